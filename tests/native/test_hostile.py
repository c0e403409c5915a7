"""Hostile AuthnRequests and sign-ins: none yields a Success assertion, none a 500, and the ACS is only ever the
configured one. (Django's test client raises on a 500, so every case below also proves there is none.)"""

import datetime as dt
import zlib
from base64 import b64encode
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from native import pending
from providers.models import LoginEvent
from sso_gateway import saml
from tenants.models import Tenant
from tests.factories import CustomerFactory, IdentityProviderFactory
from tests.helpers import signed_in
from tests.native.helpers import authn_request_xml, post_form_of, redirect_query, saml_response_of, status_of

pytestmark = pytest.mark.django_db
SSO = "/acme/idp/saml/sso/"


def _no_answer(response, status: int) -> None:
    assert response.status_code == status, response.content[:500]
    assert b"SAMLResponse" not in response.content
    assert "reference" in response.content.decode()  # the error page, with a reference to quote


def test_a_foreign_acs_url_is_refused_and_nothing_is_posted(config, customer):
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url="https://evil.example/acs")
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 403)


def test_an_acs_by_index_is_refused(config, customer):
    xml = authn_request_xml(issuer=config.sp_entity_id, AssertionConsumerServiceIndex="1")
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 403)


def test_an_unknown_sp_is_refused(config, customer):
    xml = authn_request_xml(issuer="https://auth.atlassian.com/saml/someone-else", acs_url=config.acs_url)
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 403)


def test_another_tenants_sp_is_refused(config, other_config, customer):
    xml = authn_request_xml(issuer=other_config.sp_entity_id, acs_url=other_config.acs_url)
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 403)


def test_a_customer_of_another_tenant_gets_nothing_here(config, idp, other_tenant):
    stranger = CustomerFactory(provider=IdentityProviderFactory(tenant=other_tenant, slug="sso"))
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    response = signed_in(stranger).get(f"{SSO}?{redirect_query(xml)}")
    assert response.status_code == 302 and response["Location"].startswith("https://idp.example/")
    assert b"SAMLResponse" not in response.content


@pytest.mark.parametrize(
    "query",
    [
        "",  # no SAMLRequest
        "SAMLRequest=%%%not-base64%%%",
        "SAMLRequest=" + b64encode(b"this is not deflated").decode(),
        "SAMLRequest=" + b64encode(zlib.compress(b"<not-closed", 9)[2:-4]).decode(),
        "SAMLRequest=" + b64encode(zlib.compress(b"<samlp:Response/>", 9)[2:-4]).decode(),
    ],
    ids=["missing", "not-base64", "not-deflate", "not-xml", "not-namespaced"],
)
def test_bad_encodings_are_a_400_page(config, customer, query):
    _no_answer(signed_in(customer).get(f"{SSO}?{query}"), 400)


def test_a_post_binding_request_that_is_not_base64_is_a_400_page(config, customer):
    _no_answer(signed_in(customer).post(SSO, {"SAMLRequest": "<AuthnRequest/>"}), 400)


def test_a_request_that_is_not_an_authn_request_is_refused(config, customer):
    xml = authn_request_xml(issuer=config.sp_entity_id).replace(b"AuthnRequest", b"LogoutRequest")
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 400)


def test_xxe_is_refused(config, customer):
    xml = authn_request_xml(issuer="XXE").replace(b">XXE<", b">&xxe;<")
    hostile = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + xml
    response = signed_in(customer).get(f"{SSO}?{redirect_query(hostile)}")
    _no_answer(response, 400)
    assert b"root:" not in response.content


def test_entity_expansion_in_the_post_binding_is_refused(config, customer):
    bomb = b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    xml = bomb + authn_request_xml(issuer=config.sp_entity_id).replace(config.sp_entity_id.encode(), b"&b;")
    _no_answer(signed_in(customer).post(SSO, {"SAMLRequest": saml.encode_post(xml)}), 400)


def test_an_oversized_request_is_refused_before_and_after_inflating(config, customer):
    padding = b"<!--" + b" " * (2 * saml.MAX_MESSAGE_BYTES) + b"-->"
    bomb = authn_request_xml(issuer=config.sp_entity_id).replace(b"<saml:Issuer", padding + b"<saml:Issuer")
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(bomb)}"), 400)  # small deflated, huge inflated
    big = saml.encode_post(bomb)
    assert len(big) > saml.MAX_MESSAGE_BYTES
    response = signed_in(customer).post(SSO, {"SAMLRequest": big})
    assert response.status_code in (400, 413) and b"SAMLResponse" not in response.content


@pytest.mark.parametrize(
    "attributes",
    [
        {"Version": "1.1"},
        {"ID": "1-starts-with-a-digit"},
        {"IssueInstant": saml.instant(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))},
        {"IssueInstant": saml.instant(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))},
        {"IssueInstant": "yesterday"},
        {"Destination": "https://gateway.example/elsewhere/"},
        {"ProtocolBinding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"},
    ],
    ids=["version", "id", "stale", "future", "not-a-time", "destination", "artifact-binding"],
)
def test_requests_that_break_the_protocol_are_refused(config, customer, attributes):
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url, **attributes)
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 400)


def test_is_passive_without_a_session_answers_no_passive_not_a_login_page(config, idp):
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url, IsPassive="true")
    action, fields = post_form_of(Client().get(f"{SSO}?{redirect_query(xml, 'rs')}"))
    root = saml_response_of(fields)
    assert action == config.acs_url and fields["RelayState"] == "rs"
    assert status_of(root) == ["Responder", "NoPassive"]
    assert root.find(saml.q("saml", "Assertion")) is None
    assert saml.verify(root, [config.tenant.saml_idp_keys.get().certificate]) is not None


def test_a_name_id_format_other_than_email_is_answered_without_an_assertion(config, customer):
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url).replace(
        b"</samlp:AuthnRequest>",
        b'<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"/></samlp:AuthnRequest>',
    )
    action, fields = post_form_of(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"))
    root = saml_response_of(fields)
    assert status_of(root) == ["Requester", "InvalidNameIDPolicy"] and root.find(saml.q("saml", "Assertion")) is None


def test_relay_state_with_markup_is_escaped_and_returned_unchanged(config, customer):
    relay = "\"><script>alert(1)</script><a x='&amp;"
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    response = signed_in(customer).get(f"{SSO}?{redirect_query(xml, relay)}")
    assert b"<script>alert(1)" not in response.content
    _, fields = post_form_of(response)
    assert fields["RelayState"] == relay


def test_an_overlong_relay_state_is_refused(config, customer):
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml, 'x' * 5000)}"), 400)


def test_an_unverified_email_gets_no_assertion_and_is_logged(config, idp):
    unverified = CustomerFactory(provider=idp, email="mallory@example.com", email_verified=False)
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    response = signed_in(unverified).get(f"{SSO}?{redirect_query(xml)}")
    _no_answer(response, 403)
    event = LoginEvent.objects.get()
    assert event.outcome == "failure" and event.reason == "email_unverified_native" and event.customer == unverified
    assert event.reference in response.content.decode() and config.sp_entity_id in event.detail


def test_an_upstream_refusal_never_reaches_an_assertion(config, tenant, oidc_provider):
    from tests.factories import provider_at

    provider_at(oidc_provider, tenant=tenant, slug="sso")
    oidc_provider.authorize_error = "access_denied"
    client = Client()
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    start = client.get(f"{SSO}?{redirect_query(xml)}")
    assert start.status_code == 302 and start["Location"].startswith(oidc_provider.base_url)
    key = next(name for name in start.cookies if name.startswith(pending.PREFIX))[len(pending.PREFIX) :]
    callback = oidc_provider.approve(start["Location"])
    refused = client.get(callback.removeprefix("http://testserver"))
    _no_answer(refused, 403)
    # Going to the continuation by hand, without a sign-in, gets nothing either.
    _no_answer(client.get(f"/acme/idp/saml/continue/?{urlencode({'p': key})}"), 400)


def test_force_authn_needs_a_fresh_sign_in(config, customer):
    client = signed_in(customer)
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url, ForceAuthn="true")
    start = client.get(f"{SSO}?{redirect_query(xml)}")
    assert start.status_code == 302 and start["Location"].startswith("https://idp.example/")
    # The provider is asked to authenticate again too, not to ride its own session (OIDC Core §3.1.2.1).
    assert {"prompt": ["login"], "max_age": ["0"]}.items() <= parse_qs(urlsplit(start["Location"]).query).items()
    key = next(name for name in start.cookies if name.startswith(pending.PREFIX))[len(pending.PREFIX) :]
    # The old session, without signing in again, is not enough.
    _no_answer(client.get(f"/acme/idp/saml/continue/?{urlencode({'p': key})}"), 400)


@pytest.mark.parametrize("key", ["", "short", "a" * 30])
def test_a_continuation_without_its_cookie_is_refused(config, customer, key):
    _no_answer(signed_in(customer).get(f"/acme/idp/saml/continue/?{urlencode({'p': key})}"), 400)


def test_a_tampered_pending_cookie_is_refused(config, customer):
    client = signed_in(customer)
    key = "k" * 32
    client.cookies[pending.PREFIX + key] = "gAAAAAB-not-a-fernet-token"
    _no_answer(client.get(f"/acme/idp/saml/continue/?{urlencode({'p': key})}"), 400)


def test_a_pending_request_of_another_tenant_is_refused(config, other_config, customer):
    sealed = pending.seal(
        pending.Pending(
            tenant_id=other_config.tenant_id, request_id="_x", sp_entity_id=other_config.sp_entity_id,
            acs_url=other_config.acs_url, relay_state=None, force_authn=False, key="k" * 32,
        )
    )  # fmt: skip
    client = signed_in(customer)
    client.cookies[pending.PREFIX + "k" * 32] = sealed
    _no_answer(client.get(f"/acme/idp/saml/continue/?{urlencode({'p': 'k' * 32})}"), 400)


def test_a_tenant_not_in_native_mode_answers_404(tenant, customer):
    xml = authn_request_xml(issuer="https://auth.atlassian.com/saml/x")
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 404)
    assert Client().get("/acme/idp/saml/metadata/").status_code == 404


def test_native_mode_without_atlassian_values_answers_404_but_publishes_its_metadata(tenant, customer):
    """The metadata (the three values) comes first: Atlassian shows its own two only after they are saved there."""
    Tenant.objects.filter(pk=tenant.pk).update(portal_mode=Tenant.PortalMode.BOTH)
    xml = authn_request_xml(issuer="https://auth.atlassian.com/saml/x")
    _no_answer(signed_in(customer).get(f"{SSO}?{redirect_query(xml)}"), 404)
    assert Client().get("/acme/idp/saml/metadata/").status_code == 200


def test_a_flood_of_requests_is_rate_limited_with_a_429_page(config, customer, settings, monkeypatch):
    from providers.oidc import limits

    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_000.0)  # one window, whatever the minute
    settings.GATEWAY_RATE_SIGNIN_PER_IP = "3/m"
    client = signed_in(customer)
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    answers = [client.get(f"{SSO}?{redirect_query(xml)}").status_code for _ in range(5)]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]


def test_a_signing_key_that_cannot_be_decrypted_is_a_503_page_and_the_metadata_stays(config, customer, settings):
    from cryptography.fernet import Fernet

    from native.flow import signer_of

    old_keys = list(settings.GATEWAY_ENCRYPTION_KEYS)
    settings.GATEWAY_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    signer_of(tenant=config.tenant)  # the signing key is made, encrypted with the newest key
    settings.GATEWAY_ENCRYPTION_KEYS = old_keys  # an operator dropped that key (the provider's secret still reads)
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    response = signed_in(customer).get(f"{SSO}?{redirect_query(xml)}")
    _no_answer(response, 503)
    assert Client().get("/acme/idp/saml/metadata/").status_code == 200
