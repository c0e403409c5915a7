"""Fixtures of the SAML sign-in tests: a tenant's SAML provider trusting a test key, and a browser that
started a sign-in (its transaction cookie set, the AuthnRequest's ID known)."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from providers.models import IdentityProvider
from providers.saml import sp
from providers.services import attribute_mapping_ensure
from sso_gateway import saml
from tests.providers.saml import builder


@pytest.fixture(scope="session")
def idp_keys():
    return saml.self_signed_certificate("idp.example.test")


@pytest.fixture(scope="session")
def other_keys():
    return saml.self_signed_certificate("attacker.example.test")


@pytest.fixture
def saml_idp(tenant, idp_keys):
    provider = IdentityProvider.objects.create(
        tenant=tenant, slug="corp", name="Corp", preset="saml", metadata_xml=builder.metadata_xml(idp_keys[1])
    )
    attribute_mapping_ensure(provider=provider)
    return provider


@dataclass
class Started:
    client: Client
    request_id: str
    shape: builder.Shape
    acs_path: str

    def post(self, xml: bytes | str, *, relay_state: str | None = None):
        """POST to the ACS as the provider's auto-posting form would; when the gateway asks the browser to post
        again from its own origin (no request cookie came with the POST), do so, as the page's script does."""
        value = saml.encode_post(xml) if isinstance(xml, bytes) else xml
        data = {"SAMLResponse": value, "RelayState": self.request_id if relay_state is None else relay_state}
        page = self.client.post(self.acs_path, data)
        if page.status_code == 200 and b'id="gw-saml-continue"' in page.content:
            page = self.client.post(self.acs_path, {**data, "gw_resubmitted": "1"})
        return page


def start_sign_in(provider, client: Client | None = None, *, next_path: str = "/acme/account/") -> Started:
    client = client or Client()
    start = client.get(f"/acme/saml/{provider.slug}/start/", {"next": next_path})
    assert start.status_code == 302, start.content[:500]
    query = parse_qs(urlsplit(start["Location"]).query)
    request = saml.parse(saml.decode_redirect(query["SAMLRequest"][0]))
    shape = builder.Shape(request_id=request.get("ID"), acs=sp.acs_url(provider), audience=sp.sp_entity_id(provider))
    return Started(client, request.get("ID"), shape, provider.acs_path())


@pytest.fixture
def started(saml_idp):
    return start_sign_in(saml_idp)
