"""Fixtures of the portal tests: a customer and a browser signed in as them (without a provider round trip)."""

import pytest

from tests.factories import CustomerFactory, IdentityProviderFactory


@pytest.fixture
def customer(tenant, factory_idp_discovered):
    """A customer of the tenant's one provider, "sso" (a factory provider: anonymous pages start its sign-in)."""
    provider = IdentityProviderFactory(tenant=tenant, slug="sso", name="Acme SSO")
    return CustomerFactory(
        provider=provider,
        email="grace@example.com",
        first_name="Grace",
        last_name="Hopper",
        display_name="Grace Hopper",
        groups=["support", "vip"],
    )
