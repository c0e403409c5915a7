"""Fixtures of the sign-in tests: a tenant with one identity provider backed by the fake OpenID Provider."""

import pytest

from tests.factories import IdentityProviderFactory


@pytest.fixture
def idp(tenant, oidc_provider):
    return IdentityProviderFactory(
        tenant=tenant,
        slug="fake",
        name="Fake IdP",
        preset="oidc",
        discovery_url=oidc_provider.discovery_url,
        client_id=oidc_provider.client_id,
        client_secret=oidc_provider.client_secret,
    )
