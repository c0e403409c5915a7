"""Issue 17, item 5: Test connection shows claims as readable values (the reusable filter and partial)."""

from django.template.loader import render_to_string

from providers.templatetags.gateway_claims import claim_value


def test_lists_booleans_and_times_read_as_a_person_reads_them():
    assert claim_value(["customers", "vip"], "groups") == "customers, vip"
    assert claim_value([], "groups") == "— (empty list)"
    assert claim_value(True, "email_verified") == "yes (true)" and claim_value(False, "x") == "no (false)"
    assert claim_value(1764683050, "exp") == "2025-12-02 13:44:10 UTC (1764683050)"
    assert claim_value(1764683050, "customer_number") == "1764683050"  # only the time claims are dates
    assert claim_value({"country": "PT"}, "address") == '{"country": "PT"}'
    assert claim_value(None, "phone") == "— (null)"


def test_the_partial_escapes_what_the_provider_sent():
    html = render_to_string(
        "providers/_claims_table.html", {"claims": [("name", "<script>x</script>"), ("groups", ["<b>a</b>"])]}
    )
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;a&lt;/b&gt;" in html
    assert '<th scope="row">groups</th>' in html
