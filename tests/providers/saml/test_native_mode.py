"""Native mode behind a SAML provider: Atlassian's AuthnRequest to the gateway sends the customer through the
tenant's SAML identity provider (our AuthnRequest, its signed response at our ACS), and the gateway then
asserts the customer to Atlassian. The two SAML sides of the gateway, end to end in one browser."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from sso_gateway import saml
from tenants.models import AtlassianSaml, Tenant
from tests.native.helpers import authn_request_xml, local, post_form_of, redirect_query, saml_response_of
from tests.providers.saml import builder
from tests.providers.saml.conftest import Started

pytestmark = pytest.mark.django_db


def test_atlassian_signs_in_a_customer_of_the_tenants_saml_provider(tenant, saml_idp, idp_keys):
    connection = uuid.uuid4()
    atlassian = AtlassianSaml.objects.create(
        tenant=tenant, sp_entity_id=f"https://auth.atlassian.com/saml/{connection}",
        acs_url=f"https://auth.atlassian.com/login/callback?connection=saml-{connection}",
    )  # fmt: skip
    Tenant.objects.filter(pk=tenant.pk).update(portal_mode=Tenant.PortalMode.ATLASSIAN)
    saml_idp.email_domains = "example.com"  # authoritative for its domain: the email counts as verified
    saml_idp.save()
    client = Client()

    request = authn_request_xml(issuer=atlassian.sp_entity_id, acs_url=atlassian.acs_url)
    sso = client.get(f"/acme/idp/saml/sso/?{redirect_query(request, relay_state='portal-1')}")
    assert sso.status_code == 302 and urlsplit(sso["Location"]).path == "/acme/saml/corp/start/", sso.content[:500]
    to_idp = client.get(local(sso["Location"]))
    request_id = saml.parse(saml.decode_redirect(parse_qs(urlsplit(to_idp["Location"]).query)["SAMLRequest"][0]))
    shape = builder.Shape(request_id=request_id.get("ID"), acs="http://testserver/acme/saml/corp/acs/",
                          audience="http://testserver/acme/saml/corp/metadata/")  # fmt: skip
    back = Started(client, shape.request_id, shape, saml_idp.acs_path()).post(builder.good(shape, idp_keys))
    assert back.status_code == 302 and urlsplit(back["Location"]).path == "/acme/idp/saml/continue/", back.content[:500]

    action, fields = post_form_of(client.get(local(back["Location"])))
    assert action == atlassian.acs_url and fields["RelayState"] == "portal-1"
    name_id = saml_response_of(fields).find(".//saml:Assertion/saml:Subject/saml:NameID", saml.NS)
    assert saml.text_of(name_id) == "ada.lovelace@example.com"


def test_force_authn_from_atlassian_is_passed_on_to_the_saml_provider(tenant, saml_idp):
    connection = uuid.uuid4()
    atlassian = AtlassianSaml.objects.create(
        tenant=tenant, sp_entity_id=f"https://auth.atlassian.com/saml/{connection}",
        acs_url=f"https://auth.atlassian.com/login/callback?connection=saml-{connection}",
    )  # fmt: skip
    Tenant.objects.filter(pk=tenant.pk).update(portal_mode=Tenant.PortalMode.ATLASSIAN)
    client = Client()

    def our_authn_request(**attributes):
        request = authn_request_xml(issuer=atlassian.sp_entity_id, acs_url=atlassian.acs_url, **attributes)
        sso = client.get(f"/acme/idp/saml/sso/?{redirect_query(request)}")
        to_idp = client.get(local(sso["Location"]))
        return saml.parse(saml.decode_redirect(parse_qs(urlsplit(to_idp["Location"]).query)["SAMLRequest"][0]))

    assert our_authn_request(ForceAuthn="true").get("ForceAuthn") == "true"
    assert our_authn_request().get("ForceAuthn") is None
