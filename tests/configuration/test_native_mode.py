"""Declarative native mode: `atlassian_saml` (and `portal_mode`) in tenant_config apply/export, and the
`saml_idp` links of tenant_links --json, under exactly the names other tools rely on."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import resolve

from configuration.apply import tenant_config_apply
from configuration.errors import ConfigInvalid
from configuration.export import tenant_config_export
from tenants.models import AtlassianSaml, Tenant
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db
ID = "6f1f3c8e-2b7a-4d6e-9a51-0c2b9e1d7f00"
ATLASSIAN = {
    "sp_entity_id": f"https://auth.atlassian.com/saml/{ID}",
    "acs_url": f"https://auth.atlassian.com/login/callback?connection=saml-{ID}",
}


def _apply(document, tmp_path):
    return tenant_config_apply(document=document, base_dir=tmp_path)


def test_apply_then_export_round_trips_atlassian_saml(tmp_path):
    document = {"tenants": [{"slug": "acme", "name": "Acme", "portal_mode": "atlassian", "atlassian_saml": ATLASSIAN}]}
    report = _apply(document, tmp_path)
    assert report.count("created") == 2
    tenant = Tenant.objects.get(slug="acme")
    assert tenant.portal_mode == "atlassian"
    config = AtlassianSaml.objects.get(tenant=tenant)
    assert (config.sp_entity_id, config.acs_url) == (ATLASSIAN["sp_entity_id"], ATLASSIAN["acs_url"])

    exported = tenant_config_export(slugs=["acme"])["tenants"][0]
    assert exported["atlassian_saml"] == ATLASSIAN and exported["portal_mode"] == "atlassian"
    again = _apply({"tenants": [exported]}, tmp_path)
    assert again.count("unchanged") == len(again.changes)


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"sp_entity_id": "not a url", "acs_url": ATLASSIAN["acs_url"]}, "atlassian_saml.sp_entity_id"),
        ({"sp_entity_id": ATLASSIAN["sp_entity_id"], "acs_url": "ftp://x"}, "atlassian_saml.acs_url"),
        ({"sp_entity_id": ATLASSIAN["sp_entity_id"], "acs": "x"}, "atlassian_saml.acs"),
    ],
)
def test_wrong_values_are_refused_and_nothing_changes(tmp_path, values, path):
    with pytest.raises(ConfigInvalid) as caught:
        _apply({"tenants": [{"slug": "acme", "name": "Acme", "atlassian_saml": values}]}, tmp_path)
    assert path in str(caught.value)
    assert not Tenant.objects.exists()


def test_tenant_links_gives_saml_idp_in_native_mode(settings):
    settings.GATEWAY_BASE_URL = "https://sso.example.com"
    tenant = TenantFactory(slug="acme", portal_mode=Tenant.PortalMode.BOTH)
    out = io.StringIO()
    call_command("tenant_links", "acme", "--json", stdout=out)
    links = json.loads(out.getvalue())["saml_idp"]
    assert links == {
        "entity_id": "https://sso.example.com/acme/idp/saml/metadata/",
        "sso_url": "https://sso.example.com/acme/idp/saml/sso/",
        "metadata_url": "https://sso.example.com/acme/idp/saml/metadata/",
    }
    assert resolve("/acme/idp/saml/sso/").url_name == "sso"
    table = io.StringIO()
    call_command("tenant_links", "acme", stdout=table)
    assert "SSO URL:      https://sso.example.com/acme/idp/saml/sso/" in table.getvalue()
    Tenant.objects.filter(pk=tenant.pk).update(portal_mode=Tenant.PortalMode.HOSTED)
    out = io.StringIO()
    call_command("tenant_links", "acme", "--json", stdout=out)
    assert "saml_idp" not in json.loads(out.getvalue())
