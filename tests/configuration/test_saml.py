"""Declarative configuration of SAML providers: `tenant_config apply` takes the shape the issue names
(metadata_xml, or metadata_url fetched when applied), `export` writes it back, and `tenant_links --json`
gives each SAML provider's login URL, ACS URL, SP entity id and SP metadata URL."""

import io
import json

import pytest
from django.core.management import call_command

from configuration.apply import tenant_config_apply
from configuration.errors import ConfigInvalid
from configuration.export import tenant_config_export
from configuration.links import tenant_links
from providers.models import AttributeMapping, IdentityProvider
from sso_gateway import saml
from tests.helpers.metadata_server import MetadataServer
from tests.providers.saml import builder

pytestmark = pytest.mark.django_db
GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"


@pytest.fixture(scope="module")
def cert():
    return saml.self_signed_certificate("idp.example.test")[1]


def document(**provider) -> dict:
    entry = {"slug": "corp", "name": "Corp SAML", "preset": "saml", "email_domains": ["corp.example"],
             "attribute_mapping": {"groups": "memberOf"}, **provider}  # fmt: skip
    return {"tenants": [{"slug": "acme", "name": "Acme", "identity_providers": [entry]}]}


def test_apply_takes_pasted_metadata_and_export_writes_the_same_shape(tmp_path, cert):
    xml = builder.metadata_xml(cert)
    report = tenant_config_apply(document=document(metadata_xml=xml), base_dir=tmp_path)
    assert [change.action for change in report.changes] == ["created", "created", "created"]
    provider = IdentityProvider.objects.get(slug="corp")
    assert provider.is_saml and provider.saml_metadata().entity_id == builder.IDP_ENTITY_ID
    mapping = AttributeMapping.objects.get(provider=provider)
    assert (mapping.email, mapping.groups) == ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                                              "memberOf")  # fmt: skip
    exported = tenant_config_export(slugs=["acme"])["tenants"][0]["identity_providers"][0]
    assert exported["metadata_xml"] == xml and "metadata_url" not in json.dumps(exported).replace(
        '"metadata_url": ""', ""
    )
    assert not {"client_id", "client_secret", "discovery_url", "scopes"} & set(exported)
    assert exported["attribute_mapping"]["groups"] == "memberOf"
    tenants = [{"slug": "acme", "name": "Acme", "identity_providers": [exported]}]
    again = tenant_config_apply(document={"tenants": tenants}, base_dir=tmp_path)
    assert {change.action for change in again.changes} == {"unchanged"}


def test_apply_fetches_a_metadata_url_and_export_writes_the_url(tmp_path, cert):
    server = MetadataServer(builder.metadata_xml(cert))
    try:
        tenant_config_apply(document=document(metadata_url=server.url), base_dir=tmp_path)
        provider = IdentityProvider.objects.get(slug="corp")
        assert provider.saml_metadata().signing_certificates == (cert,) and provider.metadata_fetched_at
        exported = tenant_config_export(slugs=["acme"])["tenants"][0]["identity_providers"][0]
        assert exported["metadata_url"] == server.url and "metadata_xml" not in exported
        server.status = 500  # applying the same file again fetches nothing
        again = tenant_config_apply(document=document(metadata_url=server.url), base_dir=tmp_path)
        assert {change.action for change in again.changes} == {"unchanged"}
    finally:
        server.stop()


def test_apply_refuses_a_url_without_metadata_and_changes_nothing(tmp_path):
    server = MetadataServer("<html/>")
    try:
        with pytest.raises(ConfigInvalid) as refused:
            tenant_config_apply(document=document(metadata_url=server.url), base_dir=tmp_path)
    finally:
        server.stop()
    assert "identity_providers[0].metadata_url" in str(refused.value.problems)
    assert not IdentityProvider.objects.exists()


def test_apply_refuses_unusable_metadata_xml(tmp_path, cert):
    with pytest.raises(ConfigInvalid) as refused:
        tenant_config_apply(document=document(metadata_xml="<md:EntityDescriptor"), base_dir=tmp_path)
    assert "identity_providers[0].metadata_xml" in str(refused.value.problems)


def test_tenant_links_json_names_the_saml_urls(tmp_path, cert, settings):
    settings.GATEWAY_BASE_URL = "https://sso.example.com"
    tenant_config_apply(document=document(metadata_xml=builder.metadata_xml(cert)), base_dir=tmp_path)
    out = io.StringIO()
    call_command("tenant_links", "acme", "--json", stdout=out)
    entry = json.loads(out.getvalue())["identity_providers"][0]
    assert entry["login_url"] == "https://sso.example.com/acme/login/corp/"
    assert entry["acs_url"] == "https://sso.example.com/acme/saml/corp/acs/"
    assert entry["sp_entity_id"] == entry["sp_metadata_url"] == "https://sso.example.com/acme/saml/corp/metadata/"
    oidc = tenant_links(tenant=IdentityProvider.objects.get().tenant)["identity_providers"][0]
    assert oidc["callback_url"] == entry["acs_url"]


def test_tenant_links_table_names_the_acs_url_and_entity_id(tmp_path, cert):
    tenant_config_apply(document=document(metadata_xml=builder.metadata_xml(cert)), base_dir=tmp_path)
    out = io.StringIO()
    call_command("tenant_links", "acme", stdout=out)
    assert "ACS URL:      http://testserver/acme/saml/corp/acs/" in out.getvalue()
    assert "SP entity id: http://testserver/acme/saml/corp/metadata/ (also its SP metadata)" in out.getvalue()
    assert "callback URL" not in out.getvalue()


def test_apply_fetches_nothing_from_a_url_the_gateway_may_not_call(tmp_path, settings):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    server = MetadataServer("<html/>")
    try:
        with pytest.raises(ConfigInvalid) as refused:
            tenant_config_apply(document=document(metadata_url=server.url), base_dir=tmp_path)
    finally:
        server.stop()
    assert "plain http://" in str(refused.value.problems) and "no usable SAML metadata" not in str(
        refused.value.problems
    )
