"""No server-side request forgery through the addresses admins type (OWASP SSRF Prevention Cheat Sheet).

A tenant admin who points the Jira site URL, a provider's domain or its discovery URL inside the gateway's
network (loopback, private, link-local where cloud metadata answers, ...) is refused while still on the page,
through the admin and through `tenant_config apply`; "Save and verify" then sends the service account's
credentials nowhere. The production rules are on in this module (the suite runs with
GATEWAY_ALLOW_INSECURE_HTTP, because every fake listens on 127.0.0.1); names resolve through `fake_dns`.
"""

import pytest
from django.core.management import CommandError
from django.urls import reverse

from providers.models import IdentityProvider
from tenants.models import JiraConnection
from tests.configuration.helpers import apply, issue_example
from tests.helpers import admin_client_for, admin_form_data
from tests.helpers.network import Listener
from tests.portal.jsm_portal import customer_at, portal_site, raise_request
from tests.tenants.test_settings_production import check_deploy, production_env

pytestmark = pytest.mark.django_db

REFUSAL = "The gateway does not call addresses inside its own network"
JIRA_ADD = "/admin/tenants/jiraconnection/add/"
IDP_ADD = "/admin/providers/identityprovider/add/"
PUBLIC = "93.184.215.14"  # any public address: nothing in this module connects to it

INTERNAL = {
    "loopback": ("127.0.0.1", "127.0.0.1 is a loopback address"),
    "loopback, IPv6": ("[::1]", "::1 is a loopback address"),
    "RFC 1918": ("10.0.0.5", "10.0.0.5 is a private address (RFC 1918)"),
    "RFC 4193": ("[fd00::5]", "fd00::5 is a private address (RFC 4193)"),
    "cloud metadata address": ("169.254.169.254", "169.254.169.254 is a link-local address"),
    "cloud metadata inside IPv6": ("[::ffff:169.254.169.254]", "is a link-local address"),
    "IPv6 link-local": ("[fe80::1]", "fe80::1 is a link-local address"),
    "shared (RFC 6598)": ("100.64.0.1", "100.64.0.1 is a shared address (RFC 6598"),
    "unspecified": ("0.0.0.0", "0.0.0.0 is an unspecified address"),  # noqa: S104 (an address refused, not bound)
    "multicast": ("224.0.0.1", "224.0.0.1 is a multicast address"),
    "reserved": ("240.0.0.1", "240.0.0.1 is a reserved address"),
    "metadata name": ("metadata.google.internal", "metadata.google.internal is a cloud metadata service's name"),
    "localhost": ("localhost", "localhost is a name that only exists inside a network"),
    "a name resolving to loopback": ("jira.attacker.example", "jira.attacker.example resolves to 127.0.0.1"),
    "one private address among public ones": ("mixed.attacker.example", "mixed.attacker.example resolves to 10.9.8.7"),
}


@pytest.fixture(autouse=True)
def production_rules(settings, fake_dns):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    settings.GATEWAY_OUTBOUND_ALLOW = []
    fake_dns.answers["jira.attacker.example"] = ["127.0.0.1"]
    fake_dns.answers["mixed.attacker.example"] = [PUBLIC, "10.9.8.7"]
    return fake_dns


def post_jira(client, tenant, site_url, **extra):
    data = admin_form_data(client, JIRA_ADD, tenant=tenant.pk, site_url=site_url, email="svc@acme.example")
    return client.post(JIRA_ADD, {**data, "api_token": "t", **extra})


def post_provider(client, tenant, **values):
    data = admin_form_data(
        client, IDP_ADD, tenant=tenant.pk, name="Corp", slug="corp", client_id="gw", client_secret="s", **values
    )
    return client.post(IDP_ADD, data)


def field_errors(response, name) -> str:
    assert response.status_code == 200, "the form was accepted"
    return " ".join(response.context["adminform"].form.errors.get(name, []))


@pytest.mark.parametrize(("host", "why"), list(INTERNAL.values()), ids=list(INTERNAL))
def test_an_internal_jira_site_url_is_refused_in_the_admin(host, why, tenant):
    errors = field_errors(post_jira(admin_client_for(tenant), tenant, f"https://{host}/"), "site_url")
    assert REFUSAL in errors and why in errors and "GATEWAY_OUTBOUND_ALLOW" in errors
    assert not JiraConnection.objects.exists()


# Every field an admin types a provider's address into: (preset, field, value with {host}).
PROVIDER_FIELDS = {
    "generic discovery URL": ("oidc", "discovery_url", "https://{host}/.well-known/openid-configuration"),
    "Salesforce domain": ("salesforce", "domain", "{host}"),
    "Okta domain": ("okta", "domain", "{host}/oauth2/default"),
    "Keycloak realm URL": ("keycloak", "domain", "https://{host}/realms/acme"),
    "Cognito issuer URL": ("cognito", "domain", "https://{host}/eu-west-1_abc"),
    "Auth0 domain": ("auth0", "domain", "{host}"),
    "ADFS host": ("adfs", "domain", "{host}"),
    "GitLab host": ("gitlab", "domain", "{host}"),
}
HOSTS = {key: INTERNAL[key] for key in ("cloud metadata address", "metadata name", "a name resolving to loopback")}


@pytest.mark.parametrize(("preset", "field", "value"), list(PROVIDER_FIELDS.values()), ids=list(PROVIDER_FIELDS))
@pytest.mark.parametrize(("host", "why"), list(HOSTS.values()), ids=list(HOSTS))
def test_an_internal_provider_address_is_refused_in_the_admin(preset, field, value, host, why, tenant):
    response = post_provider(admin_client_for(tenant), tenant, preset=preset, **{field: value.format(host=host)})
    errors = field_errors(response, field)
    assert REFUSAL in errors and why in errors
    assert not IdentityProvider.objects.exists()


@pytest.mark.parametrize(
    ("host", "why"),
    [("metadata", "a cloud metadata service's name"), ("instance-data", "a cloud metadata service's name"),
     ("jira", "a single-label name")],
)  # fmt: skip
def test_a_single_label_name_is_refused_with_the_reason(host, why, tenant):
    """Resolved through the host's search domains, inside its network. (A URL field refuses such a URL earlier,
    as no valid URL; a domain field lets it reach this check.)"""
    response = post_provider(admin_client_for(tenant), tenant, preset="salesforce", domain=host)
    assert f"{REFUSAL}: {host} is {why}" in field_errors(response, "domain")


def test_tenant_config_apply_refuses_internal_addresses_and_changes_nothing(tmp_path, monkeypatch):
    for name in ("ACME_JIRA_TOKEN", "ACME_SF_SECRET", "CORP_SECRET"):
        monkeypatch.setenv(name, f"value-of-{name.lower()}")
    document = issue_example()
    tenant = document["tenants"][0]
    tenant["jira"]["site_url"] = "https://169.254.169.254/"
    tenant["identity_providers"][0]["domain"] = "metadata.google.internal"
    tenant["identity_providers"][1]["discovery_url"] = "https://jira.attacker.example/.well-known/openid-configuration"
    with pytest.raises(CommandError) as refused:
        apply(tmp_path, document)
    said = str(refused.value)
    assert f"tenants[0].jira.site_url: {REFUSAL}: 169.254.169.254 is a link-local address" in said
    assert f"tenants[0].identity_providers[0].domain: {REFUSAL}: metadata.google.internal is a cloud" in said
    assert f"tenants[0].identity_providers[1].discovery_url: {REFUSAL}: jira.attacker.example resolves to" in said
    assert not JiraConnection.objects.exists() and not IdentityProvider.objects.exists()


def test_a_name_that_does_not_resolve_at_validation_is_accepted(tenant, production_rules):
    """DNS down, or a name only the company proxy resolves: accepted here, checked again at every connection."""
    response = post_jira(admin_client_for(tenant), tenant, "https://acme.atlassian.net")
    assert response.status_code == 302
    assert "acme.atlassian.net" in production_rules.asked


def test_the_allow_list_lets_a_listed_private_host_through_and_nothing_else(tenant, settings, production_rules):
    settings.GATEWAY_OUTBOUND_ALLOW = ["10.0.0.0/24", "idp.corp.example"]
    production_rules.answers["idp.corp.example"] = ["10.20.30.40"]
    production_rules.answers["sso.corp.example"] = ["10.20.30.41"]
    client = admin_client_for(tenant)
    assert REFUSAL in field_errors(post_jira(client, tenant, "https://10.0.1.5/"), "site_url")
    assert post_jira(client, tenant, "https://10.0.0.5/").status_code == 302
    refused = post_provider(client, tenant, preset="keycloak", domain="https://sso.corp.example/realms/acme")
    assert "sso.corp.example resolves to 10.20.30.41" in field_errors(refused, "domain")
    allowed = post_provider(client, tenant, preset="keycloak", domain="https://idp.corp.example/realms/acme")
    assert allowed.status_code == 302 and IdentityProvider.objects.get().domain.startswith("https://idp.corp")


# -- "Save and verify" sends the service account's credentials nowhere inside
@pytest.fixture
def listener():
    port = Listener()
    yield port
    port.close()


def test_save_and_verify_with_a_site_that_resolves_to_loopback_sends_nothing(tenant, listener):
    url = f"https://jira.attacker.example:{listener.port}"
    response = post_jira(admin_client_for(tenant), tenant, url, _verify="1")
    assert "jira.attacker.example resolves to 127.0.0.1" in field_errors(response, "site_url")
    assert listener.connections() == []
    assert not JiraConnection.objects.exists()


def test_save_and_verify_of_a_name_that_turned_internal_after_validation_sends_nothing(
    tenant, listener, production_rules, settings
):
    """DNS rebinding: public while the form is checked, 127.0.0.1 when the gateway connects."""
    settings.GATEWAY_HTTP_TIMEOUT = (0.5, 0.5)  # were it to connect, the test would not wait long to say so
    production_rules.answers["jira.rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    url = f"https://jira.rebind.example:{listener.port}"
    client = admin_client_for(tenant)
    response = post_jira(client, tenant, url, _verify="1")
    assert response.status_code == 302  # saved: the form was valid when it was checked
    page = client.get(response["Location"]).content.decode()
    assert "Verify failed: The gateway does not call addresses inside its own network" in page
    assert "jira.rebind.example resolves to 127.0.0.1, a loopback address" in page
    assert listener.connections() == []
    assert production_rules.asked.count("jira.rebind.example") == 2
    assert "resolves to 127.0.0.1" in JiraConnection.objects.get().last_error


# -- the attachment a customer downloads comes from Atlassian's media store only
def test_an_attachment_redirected_outside_the_media_store_is_a_clear_page_and_nothing_is_fetched(
    tenant, fake_jsm, listener, settings
):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = True  # the fake Jira site is plain http on 127.0.0.1
    settings.GATEWAY_JIRA_MEDIA_HOSTS = ["api.media.atlassian.com"]
    site = portal_site(tenant, fake_jsm)
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    with site.fake.state.lock:
        file = site.fake.state.add_attachment(
            key=item.key, filename="a.txt", content=b"x", mime="text/plain", author=grace.jira_account_id
        )
        site.fake.state.base_url = f"http://localhost:{listener.port}"  # Jira's 303 names another host
    response = client.get(reverse("portal:attachment", args=[tenant.slug, item.key, file["id"]]))
    assert response.status_code == 502
    assert "The help desk could not do this" in response.content.decode()
    assert listener.connections() == []


# -- the operator's allow-list is checked when the gateway starts
@pytest.mark.parametrize("allow", ["10.0.0.0/33", "10.0.0.300", "idp corp"])
def test_a_mistyped_allow_list_stops_the_gateway_from_starting(allow, tmp_path):
    done = check_deploy({**production_env(tmp_path), "GATEWAY_OUTBOUND_ALLOW": allow})
    assert done.returncode != 0
    assert f"GATEWAY_OUTBOUND_ALLOW: {allow!r} is neither a host name nor an address or CIDR" in done.stderr


def test_a_well_typed_allow_list_starts(tmp_path):
    done = check_deploy({**production_env(tmp_path), "GATEWAY_OUTBOUND_ALLOW": "idp.corp.example, 10.0.0.5,fd00::/8"})
    assert done.returncode == 0, done.stdout + done.stderr
