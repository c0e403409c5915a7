"""Pytest fixtures of the oidc fake (loaded for every test by tests/conftest.py).

`oidc_provider` is a generic provider, `salesforce_provider` a Salesforce-shaped one, and
`oidc_provider_factory(**kwargs)` makes more (two providers in one test); all are stopped at teardown.
"""

import pytest

from tests.fakes.oidc.provider import FakeOidcProvider


@pytest.fixture
def oidc_provider_factory():
    started: list[FakeOidcProvider] = []

    def make(**kwargs) -> FakeOidcProvider:
        provider = FakeOidcProvider(**kwargs).start()
        started.append(provider)
        return provider

    yield make
    for provider in started:
        provider.stop()


@pytest.fixture
def oidc_provider(oidc_provider_factory) -> FakeOidcProvider:
    return oidc_provider_factory()


@pytest.fixture
def salesforce_provider(oidc_provider_factory) -> FakeOidcProvider:
    return oidc_provider_factory(salesforce=True)
