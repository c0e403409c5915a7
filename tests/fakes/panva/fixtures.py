"""Pytest fixtures of the panva fake (loaded for every test by tests/conftest.py).

`panva_provider` starts panva's oidc-provider with one client whose redirect_uris are the
`panva_redirect_uris` fixture (default: the callback of provider slug "panva" at tenant "acme" under
GATEWAY_BASE_URL; override that fixture in a test module, e.g. for live_server). `panva_factory(...)`
starts more, with any redirect_uris, client_id, accounts. All are stopped at teardown.
"""

import pytest
from django.conf import settings

from tests.fakes.panva.process import start_panva


@pytest.fixture
def panva_redirect_uris() -> list[str]:
    return [f"{settings.GATEWAY_BASE_URL}/acme/oidc/panva/callback/"]


@pytest.fixture
def panva_factory(tmp_path):
    started = []

    def make(*, redirect_uris: list[str], **kwargs):
        provider = start_panva(redirect_uris=redirect_uris, log_path=tmp_path / f"panva-{len(started)}.log", **kwargs)
        started.append(provider)
        return provider

    yield make
    for provider in started:
        provider.stop()


@pytest.fixture
def panva_provider(panva_factory, panva_redirect_uris):
    return panva_factory(redirect_uris=panva_redirect_uris)
