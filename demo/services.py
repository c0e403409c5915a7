"""Setting up the demo: the operator, the demo tenant, its identity provider (the demo OP at
/demo-idp/) and its Jira connection (the fake site), synced once so the links exist at start.

Every function is safe to run again: it refreshes what the demo owns and keeps what an admin added.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import get_application_model

from demo.customers import demo_customers_ensure
from providers.models import Customer, IdentityProvider, JiraAccountBinding
from providers.services import attribute_mapping_ensure
from sso_gateway import devkeys
from tenants import services as tenant_services
from tenants.links import absolute
from tenants.models import JiraAccountGrant, JiraConnection, OrganizationRule, SyncRun, Tenant

OPERATOR_USERNAME = "admin"
TENANT_SLUG = "demo"
TENANT_NAME = "Demo Company"  # the portal says "Demo Company help center"
PROVIDER_SLUG = "demo-idp"
CLIENT_ID = "jsm-sso-gateway-demo"
ORGANIZATION_RULES = [
    (OrganizationRule.Kind.EMAIL_DOMAIN, "analytical.example", "Analytical Engines Ltd"),
    (OrganizationRule.Kind.IDP_GROUP, "vip", "VIP customers"),
]


def operator_password() -> str:
    """The demo operator's password: generated once into var/, printed by bin/run."""
    return devkeys.load_or_create(settings.VAR_DIR, "demo-admin-password", devkeys.demo_password)


def jira_token() -> str:
    """The fake Jira site's service-account API token: generated once into var/, printed by bin/run, so a tenant
    an admin connects to the demo site by hand keeps working after a restart."""
    return devkeys.load_or_create(settings.VAR_DIR, "demo-jira-token", lambda: secrets.token_urlsafe(24))


def idp_client_secret() -> str:
    """The demo identity provider's client secret (one client for every tenant that signs in there)."""
    return devkeys.load_or_create(settings.VAR_DIR, "demo-idp-client-secret", lambda: secrets.token_urlsafe(32))


def demo_operator_ensure() -> None:
    user, _ = get_user_model().objects.get_or_create(username=OPERATOR_USERNAME)
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(operator_password())
    user.save()


@transaction.atomic
def demo_tenant_ensure() -> Tenant:
    """The demo tenant signing in at the demo identity provider, with two organization rules to show."""
    demo_operator_ensure()
    demo_customers_ensure()
    tenant, _ = Tenant.objects.get_or_create(slug=TENANT_SLUG, defaults={"name": TENANT_NAME})
    if tenant.name == "Demo Help Center":  # its earlier name ("Demo Help Center help center" in the portal)
        tenant.name = TENANT_NAME
        tenant.save(update_fields=["name"])
    provider = _demo_provider_ensure(tenant=tenant)
    _demo_client_ensure(provider=provider)
    for kind, value, organization in ORGANIZATION_RULES:
        OrganizationRule.objects.get_or_create(tenant=tenant, kind=kind, value=value, organization_name=organization)
    return tenant


def _demo_provider_ensure(*, tenant: Tenant) -> IdentityProvider:
    provider, created = IdentityProvider.objects.update_or_create(
        tenant=tenant,
        slug=PROVIDER_SLUG,
        defaults={
            "name": "Demo identity provider",
            "preset": "oidc",
            "discovery_url": absolute("/demo-idp/.well-known/openid-configuration"),
            "client_id": CLIENT_ID,
            "client_secret": idp_client_secret(),
            "is_enabled": True,
        },
    )
    mapping = attribute_mapping_ensure(provider=provider)
    if created:
        mapping.groups = "groups"
        mapping.save(update_fields=["groups"])
    return provider


def demo_callbacks(*, client_id: str) -> set[str]:
    """The callback URLs of every tenant's provider that signs in at the demo identity provider as `client_id`."""
    providers = IdentityProvider.objects.filter(
        client_id=client_id, discovery_url=absolute("/demo-idp/.well-known/openid-configuration")
    ).select_related("tenant")
    return {absolute(provider.callback_path()) for provider in providers}


def _demo_client_ensure(*, provider: IdentityProvider) -> None:
    """The gateway registered at the demo OP, as an admin registers it at Salesforce (same callback URL)."""
    application, _ = get_application_model().objects.get_or_create(client_id=CLIENT_ID)
    application.name = "JSM SSO Gateway (demo tenant)"
    application.client_secret = provider.client_secret  # django-oauth-toolkit stores a hash of it
    application.client_type = application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = application.GRANT_AUTHORIZATION_CODE
    application.redirect_uris = absolute(provider.callback_path())
    application.algorithm = application.RS256_ALGORITHM
    application.skip_authorization = True
    application.save()


def demo_site_url_previous() -> str:
    """Where the demo tenant's Jira site was last time (bin/run starts it on the same port again if it is free)."""
    connection = JiraConnection.objects.filter(tenant__slug=TENANT_SLUG).first()
    return connection.site_url if connection else ""


def demo_jira_connect(*, tenant: Tenant, site_url: str, email: str, token: str) -> SyncRun:
    """Point the demo tenant at the (freshly started) fake site, verify it and sync its service desks.

    Tenants an admin connected to the demo site by hand follow it (its address, if the port changed) and forget
    the previous run's accounts like the demo tenant; their own sync runs at the next schedule or Sync now.
    """
    previous = demo_site_url_previous()
    others = JiraConnection.objects.filter(site_url=previous, email=email).exclude(tenant=tenant) if previous else []
    for connection in others:
        _forget_previous_site(tenant=connection.tenant)
        JiraConnection.objects.filter(pk=connection.pk).update(site_url=site_url)
    _forget_previous_site(tenant=tenant)
    connection, _ = JiraConnection.objects.update_or_create(
        tenant=tenant,
        defaults={
            "site_url": site_url,
            "email": email,
            "api_token": token,
            "auth_mode": JiraConnection.AuthMode.CLASSIC,
        },
    )
    tenant_services.jira_connection_verify(connection=connection)
    return tenant_services.service_desks_sync(tenant=tenant, trigger=SyncRun.Trigger.COMMAND)


@transaction.atomic
def _forget_previous_site(*, tenant: Tenant) -> None:
    """The fake site starts from its seed on every run, with new account and organization ids: what the
    gateway remembered of the last one (accounts found, access granted, organization ids) is forgotten,
    so each customer is provisioned again at their next sign-in instead of using a vanished account."""
    JiraAccountBinding.objects.filter(tenant=tenant).delete()
    JiraAccountGrant.objects.filter(tenant=tenant).delete()
    OrganizationRule.objects.filter(tenant=tenant).update(organization_id="")
    Customer.objects.filter(tenant=tenant).update(jira_account_id="", provisioning=Customer.Provisioning.PENDING)
