"""Each SAML preset signs a customer in from a response shaped like its provider's: the NameID format and
attribute names that provider sends by default (or that its setup page tells the admin to configure)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from providers.models import Customer, IdentityProvider
from providers.presets import PRESETS
from providers.services import attribute_mapping_ensure
from sso_gateway import saml
from tests.providers.saml import builder
from tests.providers.saml.conftest import start_sign_in

pytestmark = pytest.mark.django_db
WS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
MS = "http://schemas.microsoft.com/identity/claims"

# preset → (NameID format, NameID, attributes as the provider sends them, expected customer fields)
SHAPES = {
    "saml": (saml.NAMEID_EMAIL, "ada@corp.example", {
        f"{WS}/emailaddress": "ada@corp.example", f"{WS}/givenname": "Ada", f"{WS}/surname": "Lovelace",
        f"{WS}/name": "Ada Lovelace", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["vip"],
    }, ("ada@corp.example", "Ada", "Lovelace", "Ada Lovelace", ["vip"])),
    "adfs_saml": (saml.NAMEID_EMAIL, "ada@corp.example", {
        f"{WS}/emailaddress": "ada@corp.example", f"{WS}/givenname": "Ada", f"{WS}/surname": "Lovelace",
        f"{WS}/name": "Ada Lovelace", "http://schemas.xmlsoap.org/claims/Group": ["Domain Users", "VIP"],
        f"{WS}/upn": "ada@corp.local",
    }, ("ada@corp.example", "Ada", "Lovelace", "Ada Lovelace", ["Domain Users", "VIP"])),
    "entra_saml": (saml.NAMEID_EMAIL, "ada@corp.example", {
        f"{MS}/tenantid": "8e2f1a9c-0000-4000-8000-000000000001",
        f"{MS}/objectidentifier": "5b0c7e2d-0000-4000-8000-000000000002",
        f"{MS}/displayname": "Ada Lovelace", f"{MS}/identityprovider": "https://sts.windows.net/8e2f1a9c/",
        f"{WS}/emailaddress": "ada@corp.example", f"{WS}/givenname": "Ada", f"{WS}/surname": "Lovelace",
        f"{WS}/name": "ada@corp.example",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["0f6b7c1e-0000-4000-8000-000000000003"],
    }, ("ada@corp.example", "Ada", "Lovelace", "Ada Lovelace", ["0f6b7c1e-0000-4000-8000-000000000003"])),
    "okta_saml": (saml.NAMEID_UNSPECIFIED, "00u1abcdEFGH2ijk3l4m", {
        "email": "ada@corp.example", "firstName": "Ada", "lastName": "Lovelace", "groups": ["Everyone", "VIP"],
    }, ("ada@corp.example", "Ada", "Lovelace", "", ["Everyone", "VIP"])),
    "google_saml": (saml.NAMEID_EMAIL, "ada@corp.example", {
        "first_name": "Ada", "last_name": "Lovelace", "groups": ["support-vip@corp.example"],
    }, ("ada@corp.example", "Ada", "Lovelace", "", ["support-vip@corp.example"])),
    "shibboleth": (saml.NAMEID_PERSISTENT, "VJ4Bk9Tg0wX3HeDS6pQ2xZ1c8mY=", {
        "urn:oid:0.9.2342.19200300.100.1.3": "ada.lovelace@uni.example", "urn:oid:2.5.4.42": "Ada",
        "urn:oid:2.5.4.4": "Lovelace", "urn:oid:2.16.840.1.113730.3.1.241": "Ada Lovelace",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["member", "staff"],
    }, ("ada.lovelace@uni.example", "Ada", "Lovelace", "Ada Lovelace", ["member", "staff"])),
}  # fmt: skip


def test_every_saml_preset_has_a_shape_here():
    assert {key for key, preset in PRESETS.items() if preset.protocol == "saml"} == set(SHAPES)


@pytest.mark.parametrize("preset", sorted(SHAPES))
def test_a_preset_signs_in_a_customer_from_its_providers_response(tenant, idp_keys, preset):
    name_id_format, name_id, attributes, expected = SHAPES[preset]
    provider = IdentityProvider.objects.create(tenant=tenant, slug="corp", name="Corp", preset=preset,
                                               metadata_xml=builder.metadata_xml(idp_keys[1]))  # fmt: skip
    attribute_mapping_ensure(provider=provider)
    started = start_sign_in(provider)
    started.shape.name_id, started.shape.name_id_format, started.shape.attributes = name_id, name_id_format, attributes
    page = started.post(builder.good(started.shape, idp_keys))
    assert page.status_code == 302, page.content[:1500]
    customer = Customer.objects.get()
    assert customer.subject == name_id
    assert (customer.email, customer.first_name, customer.last_name, customer.display_name, customer.groups) == expected


@pytest.mark.parametrize("preset", sorted(SHAPES))
def test_a_preset_asks_for_its_name_id_format_and_says_where_to_find_its_values(tenant, idp_keys, preset):
    config = PRESETS[preset]
    assert config.metadata_help and config.register_help
    provider = IdentityProvider.objects.create(tenant=tenant, slug="corp", name="Corp", preset=preset,
                                               metadata_xml=builder.metadata_xml(idp_keys[1]))  # fmt: skip
    location = start_sign_in(provider).client.get("/acme/saml/corp/start/")["Location"]
    request = saml.parse(saml.decode_redirect(parse_qs(urlsplit(location).query)["SAMLRequest"][0]))
    assert request.find("samlp:NameIDPolicy", saml.NS).get("Format") == (config.name_id_format or None)
