"""Reads of tenants and identity providers for the sign-in flow.

Each read is fresh from the database: an admin's edit (or `tenant_config apply`) takes effect
on the next request, with no restart and no process-local cache to invalidate.
"""

from providers.models import IdentityProvider
from providers.oidc.errors import NoProviderConfigured, ProviderUnavailable, TenantUnavailable
from tenants.models import Tenant


def tenant_get_active(*, slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        raise TenantUnavailable(f"no active tenant {slug[:50]!r}.")
    return tenant


def providers_enabled(*, tenant: Tenant) -> list[IdentityProvider]:
    return list(IdentityProvider.objects.filter(tenant=tenant, is_enabled=True).select_related("tenant"))


def provider_get_enabled(*, tenant: Tenant, slug: str) -> IdentityProvider:
    provider = IdentityProvider.objects.filter(tenant=tenant, slug=slug).select_related("tenant").first()
    if provider is None or not provider.is_enabled:
        raise ProviderUnavailable(f"identity provider {slug[:50]!r} is unknown or disabled at this tenant.")
    return provider


def provider_for_email(*, providers: list[IdentityProvider], email: str) -> IdentityProvider | None:
    """The provider whose email domains contain the typed address's domain (subdomains do not match)."""
    domain = email.strip().rpartition("@")[2].lower()
    if not domain:
        return None
    return next((provider for provider in providers if domain in provider.email_domain_list), None)


def provider_pick(*, tenant: Tenant, idp: str = "", email: str = "") -> tuple[IdentityProvider | None, list]:
    """(the provider to go to straight away, or None; the enabled providers for a choice page)."""
    providers = providers_enabled(tenant=tenant)
    if not providers:
        raise NoProviderConfigured(f"tenant {tenant.slug!r} has no enabled identity provider.")
    named = next((provider for provider in providers if idp and provider.slug == idp), None)
    if named is not None:
        return named, providers
    if len(providers) == 1:
        return providers[0], providers
    if email:
        return provider_for_email(providers=providers, email=email), providers
    return None, providers
