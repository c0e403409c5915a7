"""A secret is write-only in the admin: never rendered back; blank on save keeps it."""

import secrets

import pytest

from providers.models import IdentityProvider
from tenants.models import JiraConnection
from tests.factories import IdentityProviderFactory, JiraConnectionFactory
from tests.helpers import admin_client_for, admin_form_data

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


@pytest.fixture
def token():
    return "ATATT" + secrets.token_urlsafe(32)


def test_the_change_page_never_renders_the_secret(operator_client, token):
    jira = JiraConnectionFactory(api_token=token)
    idp = IdentityProviderFactory(client_secret=token[::-1])

    jira_page = operator_client.get(change_url(jira)).content.decode()
    idp_page = operator_client.get(change_url(idp)).content.decode()

    assert token not in jira_page and token[::-1] not in idp_page
    assert "saved; type to replace" in jira_page and "saved; type to replace" in idp_page


@pytest.mark.parametrize("who", ["operator", "tenant admin"])
def test_leaving_the_secret_blank_keeps_it_and_typing_replaces_it(who, operator_client, tenant, token):
    client = operator_client if who == "operator" else admin_client_for(tenant)
    jira = JiraConnectionFactory(tenant=tenant, api_token=token)

    url = change_url(jira)
    response = client.post(url, admin_form_data(client, url, email="new@acme.example"))
    assert response.status_code == 302, response.content.decode()[:2000]
    jira.refresh_from_db()
    assert (jira.email, jira.api_token) == ("new@acme.example", token)

    client.post(url, admin_form_data(client, url, api_token="replaced-token"))
    jira.refresh_from_db()
    assert jira.api_token == "replaced-token"


def test_a_provider_saved_with_a_blank_secret_keeps_it(operator_client, token):
    idp = IdentityProviderFactory(client_secret=token)
    url = change_url(idp)
    response = operator_client.post(url, admin_form_data(operator_client, url, name="Renamed", client_secret=""))
    assert response.status_code == 302
    idp.refresh_from_db()
    assert (idp.name, idp.client_secret) == ("Renamed", token)


def test_a_new_jira_connection_needs_its_token(operator_client, tenant):
    url = "/admin/tenants/jiraconnection/add/"
    data = admin_form_data(
        operator_client, url, tenant=tenant.pk, site_url="https://acme.atlassian.net", email="svc@acme.example"
    )
    response = operator_client.post(url, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not JiraConnection.objects.exists()


def test_a_secret_typed_into_an_invalid_form_is_not_echoed(operator_client, tenant, token):
    url = "/admin/providers/identityprovider/add/"
    data = admin_form_data(
        operator_client, url, tenant=tenant.pk, preset="oidc", name="Corp", slug="corp", client_id="gw",
        client_secret=token, discovery_url="not a url",
    )  # fmt: skip
    response = operator_client.post(url, data)
    assert response.status_code == 200 and "Enter a valid URL." in response.content.decode()
    assert token not in response.content.decode()
    assert not IdentityProvider.objects.exists()
