"""`tenant_links SLUG [--json]`: every URL an admin hands out, absolute."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import resolve

from tests.factories import IdentityProviderFactory, ServiceDeskFactory, TenantFactory

pytestmark = pytest.mark.django_db


def links(*args) -> str:
    out = io.StringIO()
    call_command("tenant_links", *args, stdout=out)
    return out.getvalue()


def test_a_new_tenant_has_its_account_url_and_empty_lists(settings):
    settings.GATEWAY_BASE_URL = "https://sso.example.com"
    TenantFactory(slug="acme")

    document = json.loads(links("acme", "--json"))

    assert document == {
        "tenant": "acme",
        "customer_account_url": "https://sso.example.com/acme/account/",
        "identity_providers": [],
        "service_desks": [],
    }


def test_providers_and_active_desks_with_absolute_urls(settings):
    settings.GATEWAY_BASE_URL = "https://sso.example.com"
    acme, globex = TenantFactory(slug="acme"), TenantFactory(slug="globex")
    IdentityProviderFactory(tenant=acme, slug="salesforce", name="Acme Salesforce", order=0)
    IdentityProviderFactory(tenant=acme, slug="corp", name="Corp SSO", order=1, is_enabled=False)
    IdentityProviderFactory(tenant=globex, slug="other")
    ServiceDeskFactory(
        tenant=acme, jira_id="7", project_key="HELP", project_name="Help", portal_url="https://acme.atlassian.net/p/7"
    )
    ServiceDeskFactory(tenant=acme, jira_id="8", project_key="OLD", is_active=False)
    ServiceDeskFactory(tenant=globex, jira_id="9")

    document = json.loads(links("acme", "--json"))

    assert document["identity_providers"] == [
        {
            "slug": "salesforce",
            "name": "Acme Salesforce",
            "enabled": True,
            "callback_url": "https://sso.example.com/acme/oidc/salesforce/callback/",
            "login_url": "https://sso.example.com/acme/login/salesforce/",
        },
        {
            "slug": "corp",
            "name": "Corp SSO",
            "enabled": False,
            "callback_url": "https://sso.example.com/acme/oidc/corp/callback/",
            "login_url": "https://sso.example.com/acme/login/corp/",
        },
    ]
    assert document["service_desks"] == [
        {
            "jira_id": "7",
            "project_key": "HELP",
            "name": "Help",
            "substitute_link": "https://sso.example.com/acme/portal/7/",
            "jira_portal_url": "https://acme.atlassian.net/p/7",
        }
    ]


def test_the_links_are_routes_the_gateway_answers():
    """Each printed path resolves to a gateway page (not a 404 from an unknown URL)."""
    acme = TenantFactory(slug="acme")
    IdentityProviderFactory(tenant=acme, slug="salesforce")
    ServiceDeskFactory(tenant=acme, jira_id="7")
    document = json.loads(links("acme", "--json"))
    urls = [document["customer_account_url"], document["service_desks"][0]["substitute_link"]]
    urls += [document["identity_providers"][0][key] for key in ("callback_url", "login_url")]
    names = [resolve(url.removeprefix("http://testserver")).view_name for url in urls]
    assert names == ["portal:account", "portal:desk", "providers:callback", "providers:login"]


def test_readable_table_without_json(settings):
    settings.GATEWAY_BASE_URL = "https://sso.example.com"
    acme = TenantFactory(slug="acme")
    IdentityProviderFactory(tenant=acme, slug="salesforce", name="Acme Salesforce")
    ServiceDeskFactory(tenant=acme, jira_id="7", project_key="HELP", project_name="Help")

    table = links("acme")

    assert "salesforce — Acme Salesforce" in table
    assert "callback URL: https://sso.example.com/acme/oidc/salesforce/callback/" in table
    assert "substitute link: https://sso.example.com/acme/portal/7/" in table
    assert "Customer account: https://sso.example.com/acme/account/" in table


def test_unknown_tenant_is_a_clear_error():
    with pytest.raises(CommandError, match="No tenant with slug “nope”"):
        links("nope", "--json")
