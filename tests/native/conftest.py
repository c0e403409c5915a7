"""Fixtures of the native-mode tests: a tenant in native mode with Atlassian's two values, and customers."""

import uuid

import pytest

from tenants.models import AtlassianSaml, Tenant
from tests.factories import CustomerFactory, IdentityProviderFactory


def atlassian_values() -> tuple[str, str]:
    connection = uuid.uuid4()
    return (
        f"https://auth.atlassian.com/saml/{connection}",
        f"https://auth.atlassian.com/login/callback?connection=saml-{connection}",
    )


def native(tenant: Tenant, mode=Tenant.PortalMode.ATLASSIAN) -> AtlassianSaml:
    Tenant.objects.filter(pk=tenant.pk).update(portal_mode=mode)
    tenant.portal_mode = mode
    entity_id, acs_url = atlassian_values()
    return AtlassianSaml.objects.create(tenant=tenant, sp_entity_id=entity_id, acs_url=acs_url)


@pytest.fixture
def config(tenant) -> AtlassianSaml:
    return native(tenant)


@pytest.fixture
def other_config(other_tenant) -> AtlassianSaml:
    return native(other_tenant)


@pytest.fixture
def idp(tenant, factory_idp_discovered):
    """The tenant's one provider (a factory provider: a sign-in start redirects to https://idp.example)."""
    return IdentityProviderFactory(tenant=tenant, slug="sso", name="Acme SSO")


@pytest.fixture
def customer(idp):
    return CustomerFactory(provider=idp, email="grace@example.com", first_name="Grace", last_name="Hopper")
