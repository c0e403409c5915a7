"""Fixtures every test may use. Feature-specific fixtures live in the conftest.py of their folder."""

import pytest
from django.core.cache import cache
from django.test import Client

from providers.oidc import discovery
from sso_gateway import localcache
from sso_gateway.celery import app as celery_app
from tests.factories import TenantFactory, UserFactory

# The fakes' fixtures (test identity providers, fake JSM, name resolution), available to every test.
pytest_plugins = ["tests.fixtures.oidc", "tests.fixtures.panva", "tests.fixtures.jsm", "tests.fixtures.dns"]


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    # Discovery documents and JWKS are cached by URL, and a fake's port can come round again; the
    # per-process cache of tenants, providers and desks must not carry rows a rolled-back test made.
    cache.clear()
    localcache.clear_all()
    # Tests never reach the internet; local fakes listen on plain http://127.0.0.1.
    settings.GATEWAY_ALLOW_INSECURE_HTTP = True
    settings.GATEWAY_BASE_URL = "http://testserver"
    # Tasks run in-process unless a test starts a real worker (tests/.../test_worker.py).
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def tenant(db):
    return TenantFactory(slug="acme", name="Acme Support")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(slug="globex", name="Globex Help")


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_client(operator):
    client = Client()
    client.force_login(operator)
    return client


FACTORY_ISSUER = "https://idp.example"


@pytest.fixture
def factory_idp_discovered(monkeypatch):
    """The factories' providers (https://idp.example) as if their discovery document had been fetched,
    so a sign-in start at them reaches the redirect to `/authorize` without any network. Patched below
    the caches rather than seeded into them: another test process may empty a shared Redis at any time."""
    metadata = discovery.Metadata(
        issuer=FACTORY_ISSUER,
        authorization_endpoint=f"{FACTORY_ISSUER}/authorize",
        token_endpoint=f"{FACTORY_ISSUER}/token",
        jwks_uri=f"{FACTORY_ISSUER}/jwks",
    )
    fetch = discovery._metadata_shared
    url = f"{FACTORY_ISSUER}/.well-known/openid-configuration"
    monkeypatch.setattr(discovery, "_metadata_shared", lambda other: metadata if other == url else fetch(other))
    return metadata.authorization_endpoint
