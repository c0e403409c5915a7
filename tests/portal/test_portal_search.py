"""Searching "My requests" finds what the customer can read (summary, description, public comments) and never
reveals a request through words only an agent's internal note holds."""

import pytest

from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _found(client, words: str) -> str:
    return client.get("/acme/requests/", {"q": words, "state": "all"}).content.decode()


def test_a_word_only_in_an_internal_note_finds_nothing(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace, summary="Printer on fire", comments=[("Customer is on the layoff list", False)])
    html = _found(client, "layoff")
    assert item.key not in html and "Printer on fire" not in html
    assert item.key not in _found(client, "LAYOFF list")


def test_words_in_the_summary_description_or_a_public_comment_find_the_request(site):
    grace, client = customer_at(site)
    by_summary = raise_request(site, grace, summary="Printer on fire")
    by_comment = raise_request(site, grace, summary="Laptop", comments=[("Replaced the toner cartridge", True)])
    both = raise_request(
        site, grace, summary="Scanner", comments=[("toner ordered", True), ("toner is for the CEO only", False)]
    )
    assert by_summary.key in _found(client, "printer")
    assert by_summary.key in _found(client, "smokes")  # the description raise_request writes
    html = _found(client, "Toner")
    assert by_comment.key in html and both.key in html and by_summary.key not in html
    assert html.count(f">{by_comment.key}</a>") == 1  # listed once
    assert both.key not in _found(client, "CEO")


def test_the_search_never_asks_jira_for_every_text_field(site):
    grace, client = customer_at(site)
    raise_request(site, grace, comments=[("nothing to see", True)])
    site.fake.reset_log()
    _found(client, "see")
    jql = [e.body["jql"] for e in site.fake.calls("POST", "/rest/api/3/search/jql")]
    assert jql and not any("text ~" in q for q in jql)
    for call in site.fake.calls("GET", f"{JSM}/request/ITH-1/comment"):
        assert call.query["public"] == "true" and call.query["internal"] == "false"


def test_another_customers_public_comment_does_not_find_their_request(site):
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    theirs = raise_request(site, alan, summary="Alan's", comments=[("quarterly budget", True)])
    assert theirs.key not in _found(client, "budget")
