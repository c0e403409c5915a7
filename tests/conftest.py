"""Fixtures every test may use. Feature-specific fixtures live in the conftest.py of their folder."""

import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings

from providers.oidc import discovery
from sso_gateway import localcache
from sso_gateway.cache import ResilientRedisCache
from sso_gateway.celery import app as celery_app
from tests.factories import TenantFactory, UserFactory

# The fakes' fixtures (test identity providers, fake JSM, name resolution), available to every test.
pytest_plugins = [
    "tests.fixtures.oidc",
    "tests.fixtures.panva",
    "tests.fixtures.saml_idp",
    "tests.fixtures.jsm",
    "tests.fixtures.dns",
    "tests.fixtures.atlassian_sp",
]


def _own_cache_prefix() -> str:
    """On a shared Redis (CI's database, a colleague's run, the other pytest-xdist worker) this process's cache
    keys get a prefix of their own, also in the workers and servers it starts (they inherit the environment)."""
    if not django_settings.REDIS_URL:
        return ""
    prefix = os.environ["GATEWAY_CACHE_KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    caches = {name: {**config, "KEY_PREFIX": prefix} for name, config in django_settings.CACHES.items()}
    override_settings(CACHES=caches).enable()  # for the whole run; per-test `settings` changes stack on it
    return prefix


CACHE_PREFIX = _own_cache_prefix()


def _clear_own_keys(cache_backend, clear=ResilientRedisCache.clear):
    """`cache.clear()` of a prefixed Redis cache deletes that prefix's keys, not the database (FLUSHDB) with
    every other run's keys in it."""
    if not cache_backend.key_prefix:
        return clear(cache_backend)
    client = cache_backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache_backend.key_prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    return True


@pytest.fixture(autouse=True, scope="session")
def _cache_clear_keeps_to_its_prefix():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ResilientRedisCache, "clear", _clear_own_keys)
        yield


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
