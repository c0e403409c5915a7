"""Every URL an admin hands out for a tenant, absolute, from GATEWAY_BASE_URL.

The callback URL (for a SAML provider: the ACS URL and SP entity id) goes into the identity provider's
registration, the login URL and the substitute links go to customers; in native mode, `saml_idp` holds what
goes into Atlassian. Disabled providers are listed too: their callback URL is needed to finish the
registration before they are enabled.
"""

from django.urls import reverse

from providers.models import IdentityProvider
from tenants.links import absolute
from tenants.models import ServiceDesk, Tenant


def tenant_links(*, tenant: Tenant) -> dict:
    links = _links(tenant)
    if tenant.native_mode:
        links["saml_idp"] = saml_idp_links(tenant=tenant)
    return links


def saml_idp_links(*, tenant: Tenant) -> dict:
    """Native mode: the three values Atlassian asks for (the certificate is on the admin page and in the metadata).

    By URL name, so this app needs nothing of the native app (they are on one layer). The entity id is the
    metadata URL (native/idp.py).
    """
    metadata = absolute(reverse("native:metadata", kwargs={"tenant_slug": tenant.slug}))
    return {
        "entity_id": metadata,
        "sso_url": absolute(reverse("native:sso", kwargs={"tenant_slug": tenant.slug})),
        "metadata_url": metadata,
    }


def _links(tenant: Tenant) -> dict:
    return {
        "tenant": tenant.slug,
        "customer_account_url": absolute(reverse("portal:account", kwargs={"tenant_slug": tenant.slug})),
        "identity_providers": [
            _provider(provider) for provider in IdentityProvider.objects.filter(tenant=tenant).select_related("tenant")
        ],
        "service_desks": [
            {
                "jira_id": desk.jira_id,
                "project_key": desk.project_key,
                "name": desk.project_name,
                "substitute_link": absolute(desk.get_absolute_url()),
                "jira_portal_url": desk.portal_url,
            }
            for desk in ServiceDesk.objects.filter(tenant=tenant, is_active=True).select_related("tenant")
        ],
    }


def _provider(provider: IdentityProvider) -> dict:
    """A SAML provider's entry also has what its IdP registration asks for: the ACS URL (its callback URL too)
    and the SP entity id, which is the URL of the SP metadata it publishes."""
    links = {
        "slug": provider.slug,
        "name": provider.name,
        "enabled": provider.is_enabled,
        "callback_url": absolute(provider.callback_path()),
        "login_url": absolute(provider.login_path()),
    }
    if provider.is_saml:
        links["acs_url"] = absolute(provider.acs_path())
        links["sp_entity_id"] = links["sp_metadata_url"] = absolute(provider.sp_metadata_path())
    return links
