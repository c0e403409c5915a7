"""The http:// rule: IdP and Jira URLs need https unless GATEWAY_ALLOW_INSECURE_HTTP is on.

Checked through both ways in: the admin forms and `tenant_config apply`.
"""

import pytest
from django.core.management import CommandError

from providers.models import IdentityProvider
from tenants.models import JiraConnection
from tests.configuration.helpers import apply
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db

REFUSAL = "This URL uses plain http://; use https://"
IDP_ADD = "/admin/providers/identityprovider/add/"
JIRA_ADD = "/admin/tenants/jiraconnection/add/"


def post_provider(client, tenant, **values):
    data = admin_form_data(
        client, IDP_ADD, tenant=tenant.pk, name="Corp", slug="corp", client_id="gw", client_secret="s", **values
    )
    return client.post(IDP_ADD, data)


def post_jira(client, tenant, site_url):
    data = admin_form_data(
        client, JIRA_ADD, tenant=tenant.pk, site_url=site_url, email="svc@acme.example", api_token="t"
    )
    return client.post(JIRA_ADD, data)


HTTP_PROVIDERS = {
    "generic discovery URL": {"preset": "oidc", "discovery_url": "http://idp.example/.well-known/openid-configuration"},
    "Keycloak realm URL": {"preset": "keycloak", "domain": "http://sso.example/realms/acme"},
}


@pytest.mark.parametrize("values", list(HTTP_PROVIDERS.values()), ids=list(HTTP_PROVIDERS))
def test_admin_refuses_an_http_provider_url_when_insecure_http_is_off(values, operator_client, tenant, settings):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    response = post_provider(operator_client, tenant, **values)
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not IdentityProvider.objects.exists()


@pytest.mark.parametrize("values", list(HTTP_PROVIDERS.values()), ids=list(HTTP_PROVIDERS))
def test_admin_accepts_an_http_provider_url_when_insecure_http_is_on(values, operator_client, tenant, settings):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = True
    response = post_provider(operator_client, tenant, **values)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert IdentityProvider.objects.get().preset == values["preset"]


def test_admin_accepts_https_provider_urls_with_insecure_http_off(operator_client, tenant, settings):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    url = "https://idp.example/.well-known/openid-configuration"
    assert post_provider(operator_client, tenant, preset="oidc", discovery_url=url).status_code == 302


@pytest.mark.parametrize(("allowed", "saved"), [(False, False), (True, True)])
def test_admin_jira_site_url_over_http(allowed, saved, operator_client, tenant, settings):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = allowed
    response = post_jira(operator_client, tenant, "http://127.0.0.1:8081")
    assert JiraConnection.objects.exists() is saved
    assert (REFUSAL in response.content.decode()) is not saved


def config_with_http_urls() -> dict:
    return {
        "tenants": [
            {
                "slug": "acme",
                "name": "Acme",
                "jira": {"site_url": "http://127.0.0.1:8081", "email": "svc@acme.example", "api_token": "t"},
                "identity_providers": [
                    {"slug": "corp", "name": "Corp", "preset": "oidc", "client_id": "gw",
                     "discovery_url": "http://127.0.0.1:9000/.well-known/openid-configuration"},
                ],
            }
        ]
    }  # fmt: skip


def test_tenant_config_refuses_http_urls_when_insecure_http_is_off(tmp_path, settings, monkeypatch):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    monkeypatch.setenv("ACME_JIRA_TOKEN", "t")
    document = config_with_http_urls()
    document["tenants"][0]["jira"]["api_token"] = {"env": "ACME_JIRA_TOKEN"}  # a literal is refused too
    with pytest.raises(CommandError) as refused:
        apply(tmp_path, document)
    assert f"tenants[0].jira.site_url: {REFUSAL}" in str(refused.value)
    assert f"tenants[0].identity_providers[0].discovery_url: {REFUSAL}" in str(refused.value)
    assert not JiraConnection.objects.exists()


def test_tenant_config_accepts_http_urls_when_insecure_http_is_on(tmp_path, settings):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = True
    apply(tmp_path, config_with_http_urls())
    assert JiraConnection.objects.get().site_url == "http://127.0.0.1:8081"
    assert IdentityProvider.objects.get().discovery_url.startswith("http://127.0.0.1:9000/")
