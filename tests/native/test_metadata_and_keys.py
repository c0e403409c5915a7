"""The IdP metadata (valid against the OASIS metadata schema), the Response (valid against the protocol
schema, signed twice), and key rotation: next and current published, promote switches who signs."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from native import assertion
from native.flow import signer_of
from native.keys import NoNextKey, idp_key_prepare_next, idp_key_promote, idp_keys_published
from sso_gateway import saml
from sso_gateway.saml import q
from tenants.models import SamlIdpKey
from tests.helpers import signed_in
from tests.native.helpers import authn_request_xml, post_form_of, redirect_query, saml_response_of
from tests.native.schemas import schema

pytestmark = pytest.mark.django_db


def _metadata(client=None):
    response = (client or Client()).get("/acme/idp/saml/metadata/")
    assert response.status_code == 200 and response["Content-Type"] == "application/samlmetadata+xml"
    return response.content


def test_the_metadata_validates_against_the_saml_metadata_schema(config):
    xml = _metadata()
    schema("metadata").validate(xml.decode())
    root = saml.parse(xml)
    assert root.get("entityID") == "http://testserver/acme/idp/saml/metadata/"
    sso = root.findall(f".//{q('md', 'SingleSignOnService')}")
    assert {(s.get("Binding"), s.get("Location")) for s in sso} == {
        (saml.BINDING_REDIRECT, "http://testserver/acme/idp/saml/sso/"),
        (saml.BINDING_POST, "http://testserver/acme/idp/saml/sso/"),
    }
    assert root.findtext(f".//{q('md', 'NameIDFormat')}") == saml.NAMEID_EMAIL


def test_the_schema_check_is_real(config):
    """The schema refuses a metadata document with its elements out of order (so the test above can fail)."""
    root = saml.parse(_metadata())
    descriptor = root[0]
    descriptor.append(descriptor.find(q("md", "NameIDFormat")))  # after SingleSignOnService: not allowed
    from lxml import etree

    assert not schema("metadata").is_valid(etree.tostring(root).decode())


def test_the_response_validates_against_the_protocol_schema_and_both_signatures_verify(config, customer):
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url, request_id="_abc")
    _, fields = post_form_of(signed_in(customer).get(f"/acme/idp/saml/sso/?{redirect_query(xml)}"))
    root = saml_response_of(fields)
    schema("protocol").validate(saml.decode_post(fields["SAMLResponse"]).decode())
    certificate = SamlIdpKey.objects.get(tenant=config.tenant).certificate
    saml.verify(root, [certificate])
    signed = saml.verify(root.find(q("saml", "Assertion")), [certificate])
    assert root.get("Destination") == config.acs_url and root.get("InResponseTo") == "_abc"
    data = signed.find(f".//{q('saml', 'SubjectConfirmationData')}")
    assert data.get("Recipient") == config.acs_url and data.get("InResponseTo") == "_abc"
    until = saml.parse_instant(data.get("NotOnOrAfter"))
    assert dt.timedelta(minutes=1) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=5)
    assert saml.text_of(signed.find(f".//{q('saml', 'Audience')}")) == config.sp_entity_id
    name_id = signed.find(f".//{q('saml', 'NameID')}")
    assert saml.text_of(name_id) == "grace@example.com" and name_id.get("Format") == saml.NAMEID_EMAIL


def test_a_signature_by_a_key_not_published_does_not_verify(config):
    other_key, other_cert = saml.self_signed_certificate("someone else")
    to = assertion.Addressing(issuer="i", acs_url=config.acs_url, audience=config.sp_entity_id, in_response_to="_r")
    xml = assertion.response_failure(
        to, status="Responder", sub_status="NoPassive", message="", signer=assertion.Signer(other_key, other_cert),
        now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    published = [key.certificate for key in idp_keys_published(tenant=config.tenant)]
    with pytest.raises(saml.SamlInputError):
        saml.verify(saml.parse(xml), published)


def test_rotation_publishes_next_beside_current_and_promote_switches_the_signer(config):
    tenant = config.tenant
    first = signer_of(tenant=tenant).cert_pem
    upcoming = idp_key_prepare_next(tenant=tenant)
    bodies = [saml.text_of(c) for c in saml.parse(_metadata()).iter(q("ds", "X509Certificate"))]
    assert bodies == [saml.certificate_body(first), saml.certificate_body(upcoming.certificate)]
    assert signer_of(tenant=tenant).cert_pem == first  # the next key does not sign yet

    idp_key_promote(tenant=tenant)
    assert signer_of(tenant=tenant).cert_pem == upcoming.certificate
    bodies = [saml.text_of(c) for c in saml.parse(_metadata()).iter(q("ds", "X509Certificate"))]
    assert bodies == [saml.certificate_body(upcoming.certificate)]
    assert SamlIdpKey.objects.filter(tenant=tenant, state="retired").count() == 1
    with pytest.raises(NoNextKey):
        idp_key_promote(tenant=tenant)


def test_the_private_key_is_stored_encrypted(config):
    signer_of(tenant=config.tenant)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM tenants_samlidpkey")
        (stored,) = cursor.fetchone()
    assert "PRIVATE KEY" not in stored and stored.startswith("gAAAAA")


def test_the_command_prepares_and_promotes(config):
    out = StringIO()
    call_command("saml_idp_keys", "acme", "--prepare-next", stdout=out)
    assert "--promote" in out.getvalue() and SamlIdpKey.objects.filter(state="next").count() == 1
    call_command("saml_idp_keys", "acme", "--promote", stdout=out)
    assert SamlIdpKey.objects.filter(state="next").count() == 0
    with pytest.raises(CommandError):
        call_command("saml_idp_keys", "acme", "--promote", stdout=out)
    with pytest.raises(CommandError):
        call_command("saml_idp_keys", "nobody", stdout=out)


def test_the_pending_request_cookie_never_shares_a_prefix_with_a_sign_in_transaction():
    """Each kind drops its own oldest cookies beyond five by prefix: a shared prefix would let a SAML sign-in drop
    the pending Atlassian request it is part of (or the other way round)."""
    from native import pending
    from providers.oidc import transaction as oidc_transaction
    from providers.saml import transaction as saml_transaction

    prefixes = [pending.PREFIX, oidc_transaction.PREFIX, saml_transaction.PREFIX]
    assert not any(a != b and a.startswith(b) for a in prefixes for b in prefixes), prefixes
