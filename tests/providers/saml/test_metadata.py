"""Metadata both ways: the provider's (pasted, or fetched from its URL and refreshed by beat, with key
rollover), and ours (the SP metadata each SAML provider row publishes at a stable URL)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django_celery_beat.models import PeriodicTask
from lxml import etree

from providers import tasks
from providers.models import IdentityProvider
from providers.saml import sp
from sso_gateway import saml
from tests.helpers.metadata_server import MetadataServer
from tests.providers.saml import builder
from tests.providers.saml.conftest import start_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def metadata_server(idp_keys):
    server = MetadataServer(builder.metadata_xml(idp_keys[1]))
    yield server
    server.stop()


# -- the provider's metadata


def test_parse_reads_entity_id_sso_url_and_every_signing_certificate(idp_keys, other_keys):
    encryption = saml.self_signed_certificate("enc")[1]
    xml = builder.metadata_xml(idp_keys[1], other_keys[1]).replace(
        "</md:IDPSSODescriptor>",
        '<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{saml.certificate_body(encryption)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        "</md:IDPSSODescriptor>",
    )
    metadata = saml.idp_metadata_parse(xml.encode())
    assert metadata.entity_id == builder.IDP_ENTITY_ID and metadata.sso_url_redirect == builder.SSO_URL
    assert metadata.signing_certificates == (idp_keys[1], other_keys[1])


def test_parse_takes_the_one_idp_of_an_entities_descriptor(idp_keys):
    inner = builder.metadata_xml(idp_keys[1])
    xml = f'<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">{inner}</md:EntitiesDescriptor>'
    assert saml.idp_metadata_parse(xml.encode()).entity_id == builder.IDP_ENTITY_ID
    two = xml.replace(inner, inner + inner.replace(builder.IDP_ENTITY_ID, "https://other.example/"))
    with pytest.raises(saml.SamlInputError, match="2 identity providers"):
        saml.idp_metadata_parse(two.encode())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("HTTP-Redirect", "HTTP-Artifact"), "HTTP-Redirect"),
        (('use="signing"', 'use="encryption"'), "signing certificate"),
        (("IDPSSODescriptor", "SPSSODescriptor"), "no identity provider"),
        (("<md:EntityDescriptor", "<!DOCTYPE x><md:EntityDescriptor"), "DTD"),
    ],
)
def test_unusable_metadata_is_refused_with_the_reason(tenant, idp_keys, change, message):
    xml = builder.metadata_xml(idp_keys[1]).replace(*change)
    with pytest.raises(saml.SamlInputError, match=message):
        saml.idp_metadata_parse(xml.encode())
    provider = IdentityProvider(tenant=tenant, slug="corp", name="Corp", preset="saml", metadata_xml=xml)
    with pytest.raises(Exception, match=message):
        provider.full_clean()


def test_a_saml_provider_needs_metadata_and_no_client_id(tenant):
    provider = IdentityProvider(tenant=tenant, slug="corp", name="Corp", preset="saml")
    with pytest.raises(Exception, match="needs the provider's metadata"):
        provider.full_clean()


def test_the_metadata_url_is_fetched_when_the_admin_saves_it(admin_client, tenant, metadata_server):
    page = admin_client.post("/admin/providers/identityprovider/add/", {
        "tenant": tenant.pk, "preset": "saml", "name": "Corp", "slug": "corp", "is_enabled": "on", "order": 0,
        "metadata_url": metadata_server.url, "metadata_xml": "", "scopes": "openid", "token_auth_method":
        "client_secret_basic", "clock_leeway": 60, "mapping-TOTAL_FORMS": 0, "mapping-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert page.status_code == 302, page.content.decode()[:3000]
    provider = IdentityProvider.objects.get(slug="corp")
    assert provider.saml_metadata().entity_id == builder.IDP_ENTITY_ID and provider.metadata_fetched_at


def test_a_metadata_url_without_metadata_is_an_error_on_the_field(admin_client, tenant, metadata_server):
    metadata_server.document = "<html>Sign in</html>"
    page = admin_client.post("/admin/providers/identityprovider/add/", {
        "tenant": tenant.pk, "preset": "saml", "name": "Corp", "slug": "corp", "order": 0, "clock_leeway": 60,
        "metadata_url": metadata_server.url, "scopes": "openid", "token_auth_method": "client_secret_basic",
        "mapping-TOTAL_FORMS": 0, "mapping-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert page.status_code == 200 and "No usable SAML metadata at this URL" in page.content.decode()
    assert not IdentityProvider.objects.exists()


def test_beat_refreshes_the_metadata_and_a_rotated_certificate_works_without_an_admin(
    saml_idp, metadata_server, idp_keys, other_keys
):
    saml_idp.metadata_url = metadata_server.url
    saml_idp.save()
    started = start_sign_in(saml_idp)
    rotated = builder.good(started.shape, other_keys)  # the provider now signs with a new key
    metadata_server.document = builder.metadata_xml(other_keys[1])
    assert tasks.saml_metadata_refresh_all() == 1
    saml_idp.refresh_from_db()
    assert saml_idp.saml_metadata().signing_certificates == (other_keys[1],) and saml_idp.metadata_fetched_at
    page = started.post(rotated)
    assert page.status_code == 302 and page["Location"] == "/acme/account/", page.content[:1000]


def test_a_failed_refresh_keeps_the_last_good_metadata_and_says_why(saml_idp, metadata_server, idp_keys):
    saml_idp.metadata_url = metadata_server.url
    saml_idp.save()
    metadata_server.status = 500
    assert tasks.saml_metadata_refresh(saml_idp.pk) == "failed"
    saml_idp.refresh_from_db()
    assert "HTTP 500" in saml_idp.metadata_error
    assert saml_idp.saml_metadata().signing_certificates == (idp_keys[1],)


def test_beat_has_the_refresh_scheduled():
    task = PeriodicTask.objects.get(task="providers.tasks.saml_metadata_refresh_all")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "hours"


# -- our metadata


def test_each_saml_provider_publishes_its_sp_metadata_at_a_stable_url(client, saml_idp):
    page = client.get("/acme/saml/corp/metadata/")
    assert page.status_code == 200 and page["Content-Type"] == "application/samlmetadata+xml"
    root = saml.parse(page.content)
    assert root.get("entityID") == sp.sp_entity_id(saml_idp) == "http://testserver/acme/saml/corp/metadata/"
    descriptor = root.find("md:SPSSODescriptor", saml.NS)
    acs = descriptor.find("md:AssertionConsumerService", saml.NS)
    assert (acs.get("Binding"), acs.get("Location")) == (saml.BINDING_POST, "http://testserver/acme/saml/corp/acs/")
    assert descriptor.get("WantAssertionsSigned") == "true"
    assert saml.NAMEID_EMAIL in [saml.text_of(item) for item in descriptor.findall("md:NameIDFormat", saml.NS)]
    # No encrypted assertions: no encryption certificate is advertised (nor a signing one: requests are unsigned).
    assert descriptor.find("md:KeyDescriptor", saml.NS) is None


def test_an_oidc_provider_has_no_sp_metadata(client, tenant):
    IdentityProvider.objects.create(tenant=tenant, slug="sf", name="SF", preset="salesforce", client_id="x")
    assert client.get("/acme/saml/sf/metadata/").status_code == 404


def test_the_authn_request_names_us_and_asks_for_the_presets_name_id(saml_idp):
    started = start_sign_in(saml_idp)
    cookie = started.client.cookies[f"gwsaml_{started.request_id}"]
    assert cookie["httponly"] and cookie["path"] == "/acme/" and cookie["samesite"] == "Lax"
    location = started.client.get("/acme/saml/corp/start/")["Location"]
    request = etree.fromstring(saml.decode_redirect(parse_qs(urlsplit(location).query)["SAMLRequest"][0]))
    assert request.get("AssertionConsumerServiceURL") == sp.acs_url(saml_idp)
    assert request.get("Destination") == builder.SSO_URL and request.get("ProtocolBinding") == saml.BINDING_POST
    assert saml.text_of(request.find("saml:Issuer", saml.NS)) == sp.sp_entity_id(saml_idp)


def test_on_https_the_request_cookie_survives_the_providers_cross_site_post(saml_idp, settings):
    settings.GATEWAY_BASE_URL = "https://gateway.example"
    started = start_sign_in(saml_idp)
    cookie = started.client.cookies[f"gwsaml_{started.request_id}"]
    assert cookie["samesite"] == "None" and cookie["secure"]


def test_signed_requests_publish_the_providers_own_signing_certificate(client, saml_idp):
    saml_idp.sign_authn_requests = True
    saml_idp.save()
    root = saml.parse(client.get("/acme/saml/corp/metadata/").content)
    descriptor = root.find("md:SPSSODescriptor", saml.NS)
    assert descriptor.get("AuthnRequestsSigned") == "true"
    body = saml.text_of(descriptor.find("md:KeyDescriptor[@use='signing']//ds:X509Certificate", saml.NS))
    assert saml.certificate_pem(body) == saml_idp.sp_signing_certificate
    assert "PRIVATE KEY" not in client.get("/acme/saml/corp/metadata/").content.decode()


def test_a_provider_whose_metadata_wants_signed_requests_gets_a_key_and_signs(saml_idp, idp_keys):
    saml_idp.metadata_xml = builder.metadata_xml(idp_keys[1]).replace(
        "<md:IDPSSODescriptor ", '<md:IDPSSODescriptor WantAuthnRequestsSigned="true" '
    )
    saml_idp.save()
    assert saml_idp.signs_requests and saml_idp.sp_signing_key
    location = start_sign_in(saml_idp).client.get("/acme/saml/corp/start/")["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["SigAlg"] and query["Signature"]


def test_a_federation_metadata_document_trusts_only_the_idp_roles_signing_keys(idp_keys, other_keys):
    """AD FS and Entra publish FederationMetadata.xml: a signature over the document, WS-Federation roles with keys
    of their own, then the IDPSSODescriptor (POST binding before Redirect, Single Logout, attributes offered)."""
    sts_key = saml.self_signed_certificate("sts")[1]
    x509 = '<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{}</X509Certificate>'
    x509 += "</X509Data></KeyInfo>"
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<EntityDescriptor ID="_f1" entityID="https://sts.windows.net/8e2f1a9c-0000-4000-8000-000000000001/"
  xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
 <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/><SignatureValue>AA==</SignatureValue></Signature>
 <RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
   xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xsi:type="fed:SecurityTokenServiceType"
   protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">
  <KeyDescriptor use="signing">{x509.format(saml.certificate_body(sts_key))}</KeyDescriptor>
 </RoleDescriptor>
 <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <KeyDescriptor use="signing">{x509.format(saml.certificate_body(idp_keys[1]))}</KeyDescriptor>
  <KeyDescriptor use="signing">{x509.format(saml.certificate_body(other_keys[1]))}</KeyDescriptor>
  <SingleLogoutService Binding="{saml.BINDING_REDIRECT}" Location="https://login.microsoftonline.com/x/saml2"/>
  <SingleSignOnService Binding="{saml.BINDING_POST}" Location="https://login.microsoftonline.com/x/saml2/post"/>
  <SingleSignOnService Binding="{saml.BINDING_REDIRECT}" Location="https://login.microsoftonline.com/x/saml2"/>
 </IDPSSODescriptor>
</EntityDescriptor>"""
    metadata = saml.idp_metadata_parse(xml.encode())
    assert metadata.entity_id == "https://sts.windows.net/8e2f1a9c-0000-4000-8000-000000000001/"
    assert metadata.sso_url_redirect == "https://login.microsoftonline.com/x/saml2"
    assert metadata.sso_url_post == "https://login.microsoftonline.com/x/saml2/post"
    assert metadata.signing_certificates == (idp_keys[1], other_keys[1])  # not the WS-Federation role's key
