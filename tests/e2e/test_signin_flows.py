"""Issue 3's acceptance, end to end through the gateway and the Python test provider.

Salesforce with only client id, secret and domain; 100 anonymous substitute-link opens leave no row;
a session at tenant A does not open tenant B; `next` to another tenant or host is ignored; two
sign-ins in parallel tabs both complete.
"""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.apps import apps
from django.test import Client

from providers.models import Customer
from tests.factories import IdentityProviderFactory, ServiceDeskFactory, provider_at
from tests.helpers.signin import finish_sign_in, sign_in, sign_in_started, start_sign_in

pytestmark = pytest.mark.django_db


def provider_for(tenant, fake, **extra):
    return provider_at(fake, tenant=tenant, **extra)


def all_rows() -> int:
    return sum(model.objects.count() for model in apps.get_models())


def test_salesforce_signs_in_with_only_client_id_secret_and_domain(tenant, salesforce_provider):
    idp = IdentityProviderFactory(
        tenant=tenant, slug="salesforce", name="Salesforce", preset="salesforce", discovery_url="",
        domain=salesforce_provider.base_url, client_id=salesforce_provider.client_id,
        client_secret=salesforce_provider.client_secret,
    )  # fmt: skip
    idp.full_clean()
    client = Client()
    result = sign_in(client, f"{idp.login_path()}?next=/acme/account/", salesforce_provider)
    assert result.response.status_code == 302 and result.response["Location"] == "/acme/account/"
    assert result.authorize_url.startswith(f"{salesforce_provider.base_url}/services/oauth2/authorize?")
    customer = Customer.objects.get()
    assert customer.subject.startswith(f"{salesforce_provider.base_url}/id/00D")  # the identity URL
    html = client.get("/acme/account/").content.decode()
    user = salesforce_provider.user
    for field in ("email", "given_name", "family_name", "name"):
        assert user[field] in html
    assert salesforce_provider.count("jwks") == 1 and salesforce_provider.requests_to("jwks")[0].path == "/id/keys"


def test_a_hundred_anonymous_link_opens_write_nothing_and_sign_in_still_works(tenant, oidc_provider):
    idp = provider_for(tenant, oidc_provider)
    ServiceDeskFactory(tenant=tenant, jira_id="5", project_name="IT Help")
    before = all_rows()
    for n in range(100):
        # Crawlers from many addresses: one address alone would hit the per-IP rate limit (a 429, no row either).
        crawler = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        hop = crawler.get("/acme/portal/5/")
        while hop.status_code == 302 and hop["Location"].startswith("/"):
            hop = crawler.get(hop["Location"])
        assert hop.status_code == 302 and hop["Location"].startswith(oidc_provider.url("authorize"))
    assert all_rows() == before

    client = Client()
    result = sign_in(client, f"{idp.login_path()}?next=/acme/portal/5/", oidc_provider)
    assert result.response["Location"] == "/acme/portal/5/"
    page = client.get("/acme/portal/5/")
    assert page.status_code == 200 and b"IT Help" in page.content and b"ada@example.com" in page.content


def test_a_session_at_tenant_a_does_not_open_tenant_b(tenant, other_tenant, oidc_provider):
    idp = provider_for(tenant, oidc_provider)
    provider_for(other_tenant, oidc_provider)
    client = Client()
    sign_in(client, idp.login_path(), oidc_provider)
    assert client.get("/acme/account/").status_code == 200
    response = client.get("/globex/account/")
    assert sign_in_started(response).tenant_id == other_tenant.pk
    assert client.get("/globex/").content.count(b"ada@example.com") == 0


@pytest.mark.parametrize(
    "next_value", ["/globex/account/", "https://evil.example/acme/", "//evil.example/", "/acme/../globex/"]
)
def test_next_to_another_tenant_or_host_is_ignored(tenant, other_tenant, oidc_provider, next_value):
    idp = provider_for(tenant, oidc_provider)
    result = sign_in(Client(), f"{idp.login_path()}?{urlencode({'next': next_value})}", oidc_provider)
    assert result.response.status_code == 302 and result.response["Location"] == "/acme/"


def test_two_sign_ins_in_parallel_tabs_both_complete(tenant, oidc_provider):
    idp = provider_for(tenant, oidc_provider)
    ServiceDeskFactory(tenant=tenant, jira_id="1")
    ServiceDeskFactory(tenant=tenant, jira_id="2")
    browser = Client()
    _, _, first = start_sign_in(browser, f"{idp.login_path()}?next=/acme/portal/1/", oidc_provider)
    _, _, second = start_sign_in(browser, f"{idp.login_path()}?next=/acme/portal/2/", oidc_provider)
    assert parse_qs(urlsplit(first).query)["state"] != parse_qs(urlsplit(second).query)["state"]
    assert finish_sign_in(browser, second)["Location"] == "/acme/portal/2/"
    assert finish_sign_in(browser, first)["Location"] == "/acme/portal/1/"
    assert browser.get("/acme/portal/1/").status_code == 200
    assert Customer.objects.count() == 1
