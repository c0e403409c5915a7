"""The shared session under every Jira client: pooled per process, never carrying one tenant's
credentials or cookies into another tenant's request."""

import pytest
import responses

from sso_gateway import outgoing_http
from tenants.jira import errors
from tenants.jira.client import JiraClient


@pytest.fixture
def site(fake_jsm_factory):
    fake = fake_jsm_factory()
    fake.accounts = {
        tenant: fake.add_account(email=f"{tenant}@example.com", token=f"{tenant}-token").account_id
        for tenant in ("acme", "globex")
    }
    return fake


def client(url, tenant, token=None):
    return JiraClient(base_url=url, email=f"{tenant}@example.com", api_token=token or f"{tenant}-token")


def test_tenants_share_the_pool_but_each_call_carries_its_own_credentials(site):
    acme, globex = client(site.url, "acme"), client(site.url, "globex")
    assert acme.session is globex.session is outgoing_http.session(outgoing_http.JIRA)
    assert acme.session.auth is None  # nothing of a tenant on the shared session
    for _ in range(2):
        assert acme.myself().email == "acme@example.com"
        assert globex.myself().email == "globex@example.com"
    with pytest.raises(errors.JiraBadCredentials):
        client(site.url, "globex", token="wrong").myself()
    assert acme.myself().email == "acme@example.com"
    who = [call.authenticated_as for call in site.calls("GET", "/rest/api/3/myself")]
    acme_id, globex_id = site.accounts["acme"], site.accounts["globex"]
    assert who == [acme_id, globex_id, acme_id, globex_id, "", acme_id]


@responses.activate
def test_a_cookie_jira_sets_for_one_tenant_is_never_sent_with_another_tenants_call():
    url = "https://acme.atlassian.net/rest/api/3/myself"
    headers = {"Set-Cookie": "JSESSIONID=acme-session; Path=/; Domain=acme.atlassian.net"}
    responses.get(url, json={"accountId": "1", "emailAddress": "acme@example.com"}, headers=headers)
    client("https://acme.atlassian.net", "acme").myself()
    client("https://acme.atlassian.net", "globex").myself()
    assert [call.request.headers.get("Cookie") for call in responses.calls] == [None, None]
    assert len(outgoing_http.session(outgoing_http.JIRA).cookies) == 0


@responses.activate
def test_proxies_and_the_ca_bundle_from_the_environment_are_still_used(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "direct.atlassian.net")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/company-ca.pem")
    outgoing_http.environment_settings.cache_clear()  # read once per process: this test changed it
    for site in ("https://acme.atlassian.net", "https://direct.atlassian.net"):
        responses.get(f"{site}/rest/api/3/myself", json={"accountId": "1"})
        client(site, "acme").myself()
    sent = [call.request.req_kwargs for call in responses.calls]
    assert [kwargs["proxies"].get("https") for kwargs in sent] == ["http://proxy.example:3128", None]
    assert {kwargs["verify"] for kwargs in sent} == {"/etc/company-ca.pem"}
    outgoing_http.environment_settings.cache_clear()
