"""Fixtures of the portal tests: a customer and a browser signed in as them (without a provider round trip)."""

import pytest

from tests.factories import CustomerFactory, IdentityProviderFactory, ServiceDeskFactory


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


@pytest.fixture
def desk(tenant, jira, fake_jsm):
    """Desk 5, IT Help, on the tenant's fake Jira site (a module may define its own `desk`)."""
    fake_jsm.state.add_service_desk(name="IT Help", key="IT", desk_id="5")
    return ServiceDeskFactory(tenant=tenant, jira_id="5", project_name="IT Help")
