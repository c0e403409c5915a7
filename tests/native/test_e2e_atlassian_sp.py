"""End to end: an Atlassian-shaped SAML service provider (node-saml, strict) signs a customer in through the
gateway, whose upstream sign-in is panva's oidc-provider (the last test: samlify, a SAML identity provider).
The gateway runs in-process (Django's test client); the SP and the identity providers are real HTTP servers
on 127.0.0.1, and the browser's hops between them are made with requests sessions."""

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from fakes.panva.driver import panva_sign_in
from fakes.saml_idp.driver import saml_idp_sign_in
from providers.models import IdentityProvider, LoginEvent
from tests.factories import provider_at
from tests.fixtures.saml_idp import saml_provider_at
from tests.native.helpers import local, post_form_of

pytestmark = pytest.mark.django_db

CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
RELAY = 'https://acme.atlassian.net/servicedesk/customer/portals?a=1&b="<x>"'


@pytest.fixture
def panva_idp(tenant, panva_provider):
    return provider_at(panva_provider, tenant=tenant, slug="panva", name="Panva")


@pytest.fixture
def sp(tenant, panva_idp, atlassian_sp_factory):
    return atlassian_sp_factory(tenant=tenant)


def _sp_start(sp_http: requests.Session, sp, **params) -> str:
    start = sp_http.get(sp.login_url, params=params, allow_redirects=False, timeout=10)
    assert start.status_code == 302, start.text
    return start.headers["Location"]


def _through_panva(client: Client, sso_response, panva_provider, *, login="ada.lovelace"):
    assert sso_response.status_code == 302 and sso_response["Location"].startswith(panva_provider.issuer)
    callback = panva_sign_in(requests.Session(), sso_response["Location"], login=login)
    back = client.get(local(callback))
    assert back.status_code == 302 and back["Location"].startswith("/acme/idp/saml/continue/?p="), back.content[:500]
    return client.get(back["Location"])


def test_a_customer_signs_in_at_atlassian_through_panva(sp, panva_provider, panva_idp):
    sp_http, client = requests.Session(), Client()
    sso_url = _sp_start(sp_http, sp, relay=RELAY)
    assert sso_url.startswith("http://testserver/acme/idp/saml/sso/?SAMLRequest=")

    form = _through_panva(client, client.get(local(sso_url)), panva_provider)
    action, fields = post_form_of(form)
    assert action == sp.acs_url and fields["RelayState"] == RELAY
    result = sp_http.post(action, data=fields, timeout=10)

    assert result.status_code == 200, result.text + sp.log()
    body = result.json()
    assert body["relayState"] == RELAY  # byte for byte, though it was HTML-escaped in the form
    profile = body["profile"]
    assert profile["nameID"] == "ada.lovelace@example.com"
    assert profile["nameIDFormat"] == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert profile[CLAIMS + "givenname"] == "Ada" and profile[CLAIMS + "surname"] == "Lovelace"
    assert profile[CLAIMS + "emailaddress"] == "ada.lovelace@example.com"
    assert profile[CLAIMS + "name"].startswith("gw-") and "@" not in profile[CLAIMS + "name"]
    assertion_log = LoginEvent.objects.filter(detail__contains=sp.entity_id).get()
    assert assertion_log.outcome == "success" and assertion_log.provider == panva_idp
    assert assertion_log.customer.email == "ada.lovelace@example.com"


def test_a_signed_in_customer_is_asserted_at_once_and_force_authn_signs_in_again(sp, panva_provider):
    sp_http, client = requests.Session(), Client()
    first = _through_panva(client, client.get(local(_sp_start(sp_http, sp))), panva_provider)
    action, fields = post_form_of(first)
    assert sp_http.post(action, data=fields, timeout=10).status_code == 200

    again = client.get(local(_sp_start(sp_http, sp, relay="second")))
    action, fields = post_form_of(again)  # no sign-in: the session at this tenant is reused
    second = sp_http.post(action, data=fields, timeout=10)
    assert second.status_code == 200 and second.json()["relayState"] == "second", second.text

    forced = client.get(local(_sp_start(sp_http, sp, force="1")))
    form = _through_panva(client, forced, panva_provider)
    action, fields = post_form_of(form)
    assert sp_http.post(action, data=fields, timeout=10).status_code == 200


def test_the_post_binding_works_too(sp, panva_provider):
    sp_http, client = requests.Session(), Client()
    page = sp_http.get(sp.login_url, params={"binding": "post", "relay": "r"}, timeout=10).text
    from tests.native.helpers import _Form

    parser = _Form()
    parser.feed(page)
    assert urlsplit(parser.action).path == "/acme/idp/saml/sso/"
    sso = client.post(urlsplit(parser.action).path, parser.fields)
    action, fields = post_form_of(_through_panva(client, sso, panva_provider))
    result = sp_http.post(action, data=fields, timeout=10)
    assert result.status_code == 200 and result.json()["relayState"] == "r", result.text


def test_a_replayed_response_is_refused_by_the_sp(sp, panva_provider):
    """The SP's own strictness, which the gateway's answers must meet: InResponseTo is used once."""
    sp_http, client = requests.Session(), Client()
    form = _through_panva(client, client.get(local(_sp_start(sp_http, sp))), panva_provider)
    action, fields = post_form_of(form)
    assert sp_http.post(action, data=fields, timeout=10).status_code == 200
    replay = sp_http.post(action, data=fields, timeout=10)
    assert replay.status_code == 403 and "InResponseTo" in replay.json()["error"]


def test_a_rotation_switches_atlassian_over_without_an_outage(tenant, panva_idp, panva_provider, atlassian_sp_factory):
    """While both certificates are published (and pasted), assertions verify before and after the promotion."""
    from native.keys import idp_key_prepare_next, idp_key_promote

    idp_key_prepare_next(tenant=tenant)
    sp = atlassian_sp_factory(tenant=tenant)  # trusts what the metadata publishes: current and next
    sp_http, client = requests.Session(), Client()
    action, fields = post_form_of(_through_panva(client, client.get(local(_sp_start(sp_http, sp))), panva_provider))
    assert sp_http.post(action, data=fields, timeout=10).status_code == 200

    idp_key_promote(tenant=tenant)
    action, fields = post_form_of(client.get(local(_sp_start(sp_http, sp))))
    assert sp_http.post(action, data=fields, timeout=10).status_code == 200


def test_an_sp_that_trusts_another_certificate_refuses_the_assertion(tenant, panva_idp, panva_provider, tmp_path):
    """The SP's signature check is real: with a certificate that is not the tenant's, it refuses."""
    from fakes.atlassian_sp.process import start_atlassian_sp
    from native.idp import idp_urls
    from sso_gateway import saml
    from tenants.models import AtlassianSaml, Tenant

    Tenant.objects.filter(pk=tenant.pk).update(portal_mode=Tenant.PortalMode.ATLASSIAN)
    urls = idp_urls(tenant=tenant)
    _, stranger = saml.self_signed_certificate("not the gateway")
    sp = start_atlassian_sp(
        idp_sso_url=urls.sso_url, idp_entity_id=urls.entity_id, idp_certificates=[stranger],
        log_path=tmp_path / "sp.log",
    )  # fmt: skip
    try:
        AtlassianSaml.objects.create(tenant=tenant, sp_entity_id=sp.entity_id, acs_url=sp.acs_url)
        sp_http, client = requests.Session(), Client()
        form = _through_panva(client, client.get(local(_sp_start(sp_http, sp))), panva_provider)
        action, fields = post_form_of(form)
        refused = sp_http.post(action, data=fields, timeout=10)
        assert refused.status_code == 403 and "signature" in refused.json()["error"].lower()
    finally:
        sp.stop()


def test_a_customer_signs_in_at_atlassian_through_a_real_saml_provider(tenant, atlassian_sp_factory, saml_idp_factory):
    """The upstream sign-in at samlify, the SAML issue's independent test IdP: Atlassian's SP -> the gateway's IdP
    -> our AuthnRequest to samlify -> its signed response at our ACS -> a signed assertion the SP accepts."""
    row = IdentityProvider(tenant=tenant, slug="corp", name="Corp SAML", preset="saml", email_domains="example.com")
    provider = saml_provider_at(saml_idp_factory(provider=row), row)
    sp = atlassian_sp_factory(tenant=tenant)
    sp_http, client = requests.Session(), Client()

    sso = client.get(local(_sp_start(sp_http, sp, relay=RELAY)))
    assert sso.status_code == 302 and urlsplit(sso["Location"]).path == "/acme/saml/corp/start/", sso.content[:500]
    to_idp = client.get(local(sso["Location"]))
    acs_url, fields = saml_idp_sign_in(requests.Session(), to_idp["Location"], login="ada")
    back = client.post(urlsplit(acs_url).path, fields)
    assert back.status_code == 302 and back["Location"].startswith("/acme/idp/saml/continue/?p="), back.content[:500]
    action, form = post_form_of(client.get(back["Location"]))
    result = sp_http.post(action, data=form, timeout=10)

    assert result.status_code == 200, result.text + sp.log()
    profile = result.json()["profile"]
    assert profile["nameID"] == "ada.lovelace@example.com"
    assert profile[CLAIMS + "givenname"] == "Ada" and profile[CLAIMS + "surname"] == "Lovelace"
    assertion_log = LoginEvent.objects.filter(detail__contains=sp.entity_id).get()
    assert assertion_log.outcome == "success" and assertion_log.provider == provider
