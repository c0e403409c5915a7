"""Reads of identity providers and their mappings for the sign-in flow and the portal.

Every anonymous visit reads them, so each process keeps what it read for a few seconds
(`sso_gateway.localcache`, `GATEWAY_CONFIG_CACHE_SECONDS`): an admin's edit (or `tenant_config
apply`) takes effect without a restart, at once in the process that saved it and within those
seconds in the others. The instances are shared between requests: read them, never change them.
"""

from providers.errors import NoProviderConfigured, ProviderUnavailable
from providers.models import AttributeMapping, IdentityProvider
from providers.services import attribute_mapping_ensure
from sso_gateway.localcache import LocalCache
from tenants.models import Tenant

_providers = LocalCache("identity providers by tenant")
_mappings = LocalCache("attribute mappings by provider")


def providers_of(*, tenant: Tenant) -> list[IdentityProvider]:
    """All of the tenant's providers, enabled or not, in the model's order."""
    return _providers.get_or_load(
        tenant.pk, lambda: list(IdentityProvider.objects.filter(tenant=tenant).select_related("tenant"))
    )


def providers_enabled(*, tenant: Tenant) -> list[IdentityProvider]:
    return [provider for provider in providers_of(tenant=tenant) if provider.is_enabled]


def provider_get(*, tenant: Tenant, slug: str) -> IdentityProvider | None:
    return next((provider for provider in providers_of(tenant=tenant) if provider.slug == slug), None)


def provider_get_enabled(*, tenant: Tenant, slug: str) -> IdentityProvider:
    provider = provider_get(tenant=tenant, slug=slug)
    if provider is None or not provider.is_enabled:
        raise ProviderUnavailable(f"identity provider {slug[:50]!r} is unknown or disabled at this tenant.")
    return provider


def attribute_mapping_of(*, provider: IdentityProvider) -> AttributeMapping:
    """The provider's mapping, created from its preset's defaults if it has none yet."""
    return _mappings.get_or_load(provider.pk, lambda: attribute_mapping_ensure(provider=provider))


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
