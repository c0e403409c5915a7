"""End to end against samlify, an independent SAML 2.0 identity provider: from the substitute link or the
login URL, our AuthnRequest, the IdP's login form, its signed response POSTed to our ACS, and the customer
signed in at the portal; and the admin's Test connection, which shows the NameID and every attribute."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from fakes.saml_idp.driver import saml_idp_sign_in
from providers.models import Customer, IdentityProvider, LoginEvent
from tests.factories import ServiceDeskFactory
from tests.fixtures.saml_idp import saml_provider_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def saml_row(tenant):
    return IdentityProvider(tenant=tenant, slug="corp", name="Corp SAML", preset="saml")


def _acs_post(client, acs_url, fields):
    parts = urlsplit(acs_url)
    assert parts.path == "/acme/saml/corp/acs/"
    return client.post(parts.path, fields)


@pytest.mark.parametrize("sign", ["assertion", "response", "both"])
def test_a_customer_signs_in_through_a_real_saml_idp(saml_row, saml_idp_factory, sign):
    idp = saml_idp_factory(provider=saml_row, sign=sign)
    provider = saml_provider_at(idp, saml_row)
    client = Client()
    start = client.get(provider.login_path(), {"next": "/acme/account/"}, follow=False)
    assert start.status_code == 302
    to_idp = client.get(start["Location"])
    assert to_idp.status_code == 302 and to_idp["Location"].startswith(idp.base + "/sso?")
    assert parse_qs(urlsplit(to_idp["Location"]).query)["SAMLRequest"]

    acs_url, fields = saml_idp_sign_in(requests.Session(), to_idp["Location"], login="ada")
    done = _acs_post(client, acs_url, fields)
    assert done.status_code == 302 and done["Location"] == "/acme/account/", (done.content[:2000], idp.log())

    html = client.get("/acme/account/").content.decode()
    assert 'data-field="email">ada.lovelace@example.com<' in html
    customer = Customer.objects.get()
    assert (customer.provider, customer.subject) == (provider, "ada.lovelace@example.com")
    assert (customer.first_name, customer.last_name, customer.groups) == ("Ada", "Lovelace", ["customers", "vip"])
    assert LoginEvent.objects.get().outcome == "success"

    again = _acs_post(client, acs_url, fields)  # the same response once more: its request is used up
    assert again.status_code == 400 and Customer.objects.count() == 1


def test_the_substitute_link_leads_to_the_saml_idp_and_back_to_the_desk(saml_row, saml_idp_factory):
    desk = ServiceDeskFactory(tenant=saml_row.tenant)
    provider = saml_provider_at(saml_idp_factory(provider=saml_row), saml_row)
    client = Client()
    link = client.get(desk.get_absolute_url())
    assert link.status_code == 302 and link["Location"].startswith(f"/acme/saml/{provider.slug}/start/")
    to_idp = client.get(link["Location"])
    acs_url, fields = saml_idp_sign_in(requests.Session(), to_idp["Location"], login="ada")
    done = _acs_post(client, acs_url, fields)
    assert done.status_code == 302 and done["Location"] == desk.get_absolute_url()


def test_test_connection_shows_the_name_id_every_attribute_and_the_mapped_result(saml_row, saml_idp_factory,
                                                                                 admin_client):  # fmt: skip
    provider = saml_provider_at(saml_idp_factory(provider=saml_row), saml_row)
    start = admin_client.get(f"/admin/providers/identityprovider/{provider.pk}/test/")
    assert start.status_code == 302, start.content[:1000]
    acs_url, fields = saml_idp_sign_in(requests.Session(), start["Location"], login="ada")
    page = _acs_post(admin_client, acs_url, fields)
    html = page.content.decode()
    assert page.status_code == 200, html[:2000]
    assert 'data-field="name_id">ada.lovelace@example.com<' in html
    assert 'data-attribute="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname">Ada<' in html
    assert 'data-attribute="http://schemas.microsoft.com/ws/2008/06/identity/claims/groups">customers, vip<' in html
    assert 'data-mapped="last_name">Lovelace<' in html
    assert not Customer.objects.exists()
    assert LoginEvent.objects.get().is_test


def test_signed_authn_requests_are_verified_by_the_idp_that_asks_for_them(tenant, saml_idp_factory):
    """samlify's IdP says WantAuthnRequestsSigned and checks our HTTP-Redirect signature against the signing
    certificate of our SP metadata; an unsigned (or wrongly signed) request is refused there."""
    row = IdentityProvider(tenant=tenant, slug="corp", name="Corp SAML", preset="saml", sign_authn_requests=True)
    row.save()  # the provider's own SP key pair is made when it is saved
    assert row.sp_signing_key and "BEGIN CERTIFICATE" in row.sp_signing_certificate
    idp = saml_idp_factory(provider=row, want_signed_requests=True)
    provider = saml_provider_at(idp, row)
    client = Client()
    to_idp = client.get(f"/acme/saml/{provider.slug}/start/", {"next": "/acme/account/"})
    query = parse_qs(urlsplit(to_idp["Location"]).query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"] and query["Signature"]
    acs_url, fields = saml_idp_sign_in(requests.Session(), to_idp["Location"], login="ada")
    assert _acs_post(client, acs_url, fields)["Location"] == "/acme/account/"

    tampered = to_idp["Location"].replace("RelayState=_", "RelayState=_0")
    refused = requests.get(tampered, timeout=10)
    assert refused.status_code == 400 and "SIGNATURE" in refused.text.upper(), refused.text[:500]


def test_an_assertion_encrypted_by_the_idp_to_our_sp_metadata_is_decrypted(tenant, saml_idp_factory):
    """samlify signs the assertion, then encrypts it (AES-256-CBC, RSA-OAEP) to the encryption certificate it
    imported from our SP metadata; the ACS decrypts it, checks the signature inside, and signs the customer in."""
    row = IdentityProvider(tenant=tenant, slug="corp", name="Corp SAML", preset="saml", want_encrypted_assertions=True)
    row.save()  # the provider's own encryption key pair is made when it is saved
    idp = saml_idp_factory(provider=row, encrypt=True)
    provider = saml_provider_at(idp, row)
    client = Client()
    to_idp = client.get(f"/acme/saml/{provider.slug}/start/", {"next": "/acme/account/"})
    acs_url, fields = saml_idp_sign_in(requests.Session(), to_idp["Location"], login="ada")
    assert b"EncryptedAssertion" in base64.b64decode(fields["SAMLResponse"])
    assert b"ada.lovelace@example.com" not in base64.b64decode(fields["SAMLResponse"])
    done = _acs_post(client, acs_url, fields)
    assert done.status_code == 302 and done["Location"] == "/acme/account/", (done.content[:1500], idp.log())
    assert Customer.objects.get().subject == "ada.lovelace@example.com"
