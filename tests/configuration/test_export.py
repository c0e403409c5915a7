"""`tenant_config export`: the same format, without secrets; apply(export) round-trips."""

import io
import json
import secrets

import pytest
from django.core.management import CommandError, call_command

from providers.models import IdentityProvider
from tenants.models import Tenant
from tests.configuration.helpers import apply, snapshot
from tests.factories import AttributeMappingFactory, IdentityProviderFactory, JiraConnectionFactory, TenantFactory

pytestmark = pytest.mark.django_db


def export(*slugs) -> str:
    out = io.StringIO()
    call_command("tenant_config", "export", *slugs, stdout=out)
    return out.getvalue()


@pytest.fixture
def configured():
    """A tenant set up the way an admin would, with a real-looking secret on each secret field."""
    tenant = TenantFactory(slug="acme", name="Acme Support", brand_color="#0052cc")
    jira = JiraConnectionFactory(tenant=tenant, api_token="ATATT" + secrets.token_urlsafe(30), auth_mode="scoped")
    salesforce = IdentityProviderFactory(
        tenant=tenant,
        slug="salesforce",
        name="Acme Salesforce",
        preset="salesforce",
        domain="acme.my.salesforce.com",
        discovery_url="",
        client_secret=secrets.token_urlsafe(30),
        scopes="openid email profile api",
        email_domains="acme.example, acme.test",
        order=1,
    )
    AttributeMappingFactory(provider=salesforce, first_name="FirstName", groups="Roles")
    keycloak = IdentityProviderFactory(
        tenant=tenant,
        slug="kc",
        preset="keycloak",
        domain="https://sso.example/realms/acme",
        discovery_url="",
        client_secret="",
        is_enabled=False,
    )
    AttributeMappingFactory(provider=keycloak)
    return {"tenant": tenant, "secrets": [jira.api_token, salesforce.client_secret]}


def test_export_prints_the_format_with_placeholders_for_secrets(configured):
    output = export("acme")

    for secret in configured["secrets"]:
        assert secret not in output
    document = json.loads(output)
    tenant = document["tenants"][0]
    assert (tenant["slug"], tenant["name"], tenant["brand_color"]) == ("acme", "Acme Support", "#0052cc")
    assert tenant["jira"]["api_token"] == {"env": "ACME_JIRA_API_TOKEN"}
    assert tenant["jira"]["auth_mode"] == "scoped"
    salesforce, keycloak = tenant["identity_providers"][1], tenant["identity_providers"][0]
    assert salesforce["client_secret"] == {"env": "ACME_SALESFORCE_CLIENT_SECRET"}
    assert salesforce["scopes"] == ["openid", "email", "profile", "api"]
    assert salesforce["email_domains"] == ["acme.example", "acme.test"]
    assert salesforce["attribute_mapping"]["first_name"] == "FirstName"
    assert salesforce["attribute_mapping"]["groups"] == "Roles"
    assert "client_secret" not in keycloak  # no secret stored: nothing to point at
    assert keycloak["enabled"] is False


def test_applying_the_export_to_the_same_database_changes_nothing(configured, tmp_path, monkeypatch):
    monkeypatch.setenv("ACME_JIRA_API_TOKEN", configured["secrets"][0])
    monkeypatch.setenv("ACME_SALESFORCE_CLIENT_SECRET", configured["secrets"][1])
    before = snapshot()

    output = apply(tmp_path, json.loads(export("acme")))

    assert "0 created, 0 updated" in output
    assert snapshot() == before


def test_export_applied_on_an_empty_database_recreates_the_same_configuration(configured, tmp_path, monkeypatch):
    exported = export("acme")
    Tenant.objects.all().delete()
    assert not IdentityProvider.objects.exists()
    monkeypatch.setenv("ACME_JIRA_API_TOKEN", configured["secrets"][0])
    monkeypatch.setenv("ACME_SALESFORCE_CLIENT_SECRET", configured["secrets"][1])

    apply(tmp_path, json.loads(exported))

    assert export("acme") == exported
    tenant = Tenant.objects.get(slug="acme")
    assert tenant.jira.api_token == configured["secrets"][0]
    assert tenant.identity_providers.get(slug="salesforce").client_secret == configured["secrets"][1]


def test_export_of_several_tenants_and_of_an_unknown_one(configured):
    TenantFactory(slug="globex", name="Globex")
    document = json.loads(export("globex", "acme"))
    assert [tenant["slug"] for tenant in document["tenants"]] == ["globex", "acme"]
    assert document["tenants"][0]["identity_providers"] == [] and "jira" not in document["tenants"][0]
    with pytest.raises(CommandError, match="No tenant with slug “nope”"):
        export("acme", "nope")
