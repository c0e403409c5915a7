"""`tenant_config apply`: creates and updates idempotently, refuses broken files whole."""

import secrets

import pytest
from django.core.management import CommandError

from providers.models import AttributeMapping, IdentityProvider
from tenants.models import JiraConnection, Tenant
from tests.configuration.helpers import apply, issue_example, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def env_secrets(monkeypatch):
    values = {name: secrets.token_urlsafe(24) for name in ("ACME_JIRA_TOKEN", "ACME_SF_SECRET", "CORP_SECRET")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_the_issue_example_creates_everything(tmp_path, env_secrets):
    output = apply(tmp_path, issue_example())

    tenant = Tenant.objects.get(slug="acme")
    assert tenant.name == "Acme Support" and tenant.is_active
    assert tenant.jira.site_url == "https://acme.atlassian.net"
    assert tenant.jira.email == "svc@acme.example"
    assert tenant.jira.api_token == env_secrets["ACME_JIRA_TOKEN"]
    salesforce = IdentityProvider.objects.get(tenant=tenant, slug="salesforce")
    assert salesforce.preset == "salesforce" and salesforce.domain == "acme.my.salesforce.com"
    assert salesforce.client_secret == env_secrets["ACME_SF_SECRET"]
    assert salesforce.scope_list == ["openid", "email", "profile"]
    assert salesforce.email_domain_list == ["acme.example"]
    corp = IdentityProvider.objects.get(tenant=tenant, slug="corp")
    assert corp.resolved_discovery_url() == "https://idp.example/.well-known/openid-configuration"
    assert corp.client_secret == env_secrets["CORP_SECRET"]
    assert "6 created, 0 updated, 0 unchanged" in output
    for value in env_secrets.values():
        assert value not in output


def test_omitted_mapping_takes_preset_defaults_and_partial_mapping_keeps_the_rest(tmp_path, env_secrets):
    document = issue_example()
    document["tenants"][0]["identity_providers"][0]["attribute_mapping"] = {"first_name": "FirstName"}
    document["tenants"][0]["identity_providers"][1]["preset"] = "entra"
    document["tenants"][0]["identity_providers"][1]["domain"] = "f00dcafe-0000-4000-8000-000000000000"
    del document["tenants"][0]["identity_providers"][1]["discovery_url"]
    apply(tmp_path, document)

    salesforce = AttributeMapping.objects.get(provider__slug="salesforce")
    assert (salesforce.email, salesforce.first_name, salesforce.last_name) == ("email", "FirstName", "family_name")
    entra = AttributeMapping.objects.get(provider__slug="corp")
    assert entra.groups == "groups"  # the Entra preset maps groups; the generic default does not


def test_applying_twice_changes_nothing(tmp_path, env_secrets):
    apply(tmp_path, issue_example())
    before = snapshot()

    output = apply(tmp_path, issue_example())

    assert snapshot() == before  # updated_at included: nothing was even re-saved
    assert "0 created, 0 updated, 5 unchanged" in output


def test_a_changed_value_updates_only_that_row(tmp_path, env_secrets, monkeypatch):
    apply(tmp_path, issue_example())
    corp_before = IdentityProvider.objects.get(slug="corp").updated_at
    document = issue_example()
    document["tenants"][0]["identity_providers"][0]["scopes"] = ["openid", "email", "profile", "api"]
    monkeypatch.setenv("ACME_JIRA_TOKEN", "rotated-" + secrets.token_urlsafe(16))

    output = apply(tmp_path, document)

    assert IdentityProvider.objects.get(slug="salesforce").scope_list[-1] == "api"
    assert str(JiraConnection.objects.get().api_token).startswith("rotated-")
    assert IdentityProvider.objects.get(slug="corp").updated_at == corp_before
    assert "updated identity provider acme/salesforce (scopes)" in output
    assert "updated Jira connection of acme (api_token)" in output


def test_existing_rows_keep_values_the_file_omits(tmp_path, env_secrets):
    apply(tmp_path, issue_example())
    IdentityProvider.objects.filter(slug="corp").update(order=7, allow_unverified_email=True)
    apply(tmp_path, issue_example())
    corp = IdentityProvider.objects.get(slug="corp")
    assert (corp.order, corp.allow_unverified_email) == (7, True)


def test_secret_from_a_file_relative_to_the_configuration(tmp_path, env_secrets):
    token = secrets.token_urlsafe(24)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "jira-token").write_text(token + "\n")
    document = issue_example()
    document["tenants"][0]["jira"]["api_token"] = {"file": "secrets/jira-token"}
    apply(tmp_path, document)
    assert JiraConnection.objects.get().api_token == token


def test_literal_secret_only_when_insecure_http_is_allowed(tmp_path, env_secrets, settings):
    document = issue_example()
    literal = "literal-" + secrets.token_urlsafe(16)
    document["tenants"][0]["jira"]["api_token"] = literal

    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    with pytest.raises(CommandError) as refused:
        apply(tmp_path, document)
    assert "tenants[0].jira.api_token: a literal secret is refused" in str(refused.value)
    assert literal not in str(refused.value)
    assert not Tenant.objects.exists()

    settings.GATEWAY_ALLOW_INSECURE_HTTP = True
    apply(tmp_path, document)
    assert JiraConnection.objects.get().api_token == literal


def test_dry_run_reports_but_saves_nothing(tmp_path, env_secrets):
    output = apply(tmp_path, issue_example(), "--dry-run")
    assert "6 created" in output and "dry run" in output
    assert not Tenant.objects.exists()
