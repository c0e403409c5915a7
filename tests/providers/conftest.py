"""Fixtures of the sign-in tests: a tenant with one identity provider backed by the fake OpenID Provider."""

import pytest

from tests.factories import provider_at


@pytest.fixture
def idp(tenant, oidc_provider):
    return provider_at(oidc_provider, tenant=tenant, slug="fake", name="Fake IdP")
