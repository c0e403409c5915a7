"""The per-process cache of tenants, providers, desks and discovery documents (sso_gateway/localcache.py)."""

import pytest

from sso_gateway import localcache
from sso_gateway.localcache import LocalCache
from tests.factories import IdentityProviderFactory, TenantFactory


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(localcache.time, "monotonic", clock)
    return clock


def counting_loader(values):
    calls = []

    def load():
        calls.append(1)
        return values[len(calls) - 1]

    return load, calls


def test_a_value_is_kept_for_the_configured_seconds_then_read_again(settings, clock):
    settings.GATEWAY_CONFIG_CACHE_SECONDS = 5
    cache = LocalCache("test")
    load, calls = counting_loader(["first", "second"])
    assert cache.get_or_load("k", load) == "first"
    clock.now += 4.9
    assert cache.get_or_load("k", load) == "first" and len(calls) == 1
    clock.now += 0.2
    assert cache.get_or_load("k", load) == "second" and len(calls) == 2


def test_zero_seconds_turns_the_cache_off(settings, clock):
    settings.GATEWAY_CONFIG_CACHE_SECONDS = 0
    cache = LocalCache("test")
    load, calls = counting_loader(["a", "b", "c"])
    assert [cache.get_or_load("k", load) for _ in range(3)] == ["a", "b", "c"]


def test_a_failing_load_caches_nothing(settings, clock):
    settings.GATEWAY_CONFIG_CACHE_SECONDS = 5
    cache = LocalCache("test")

    def fail():
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        cache.get_or_load("k", fail)
    assert cache.get_or_load("k", lambda: "fine") == "fine"


def test_the_cache_is_bounded(settings, clock):
    settings.GATEWAY_CONFIG_CACHE_SECONDS = 5
    cache = LocalCache("test", max_entries=3)
    for key in range(10):
        cache.get_or_load(key, lambda key=key: key)
    assert len(cache._entries) <= 3


@pytest.mark.django_db
def test_saving_a_cached_model_in_this_process_empties_every_cache(settings, clock):
    settings.GATEWAY_CONFIG_CACHE_SECONDS = 60
    cache = LocalCache("test")
    cache.get_or_load("k", lambda: "stale")
    tenant = TenantFactory()
    assert cache.get_or_load("k", lambda: "fresh") == "fresh"
    cache.get_or_load("k", lambda: "stale")
    IdentityProviderFactory(tenant=tenant).delete()
    assert cache.get_or_load("k", lambda: "fresh") == "fresh"


@pytest.mark.django_db
def test_an_edit_another_process_made_is_seen_within_the_ttl(tenant, settings, clock, factory_idp_discovered):
    """`QuerySet.update` sends no signal: what another process's save looks like from here."""
    from django.test import Client

    from providers.models import IdentityProvider

    settings.GATEWAY_CONFIG_CACHE_SECONDS = 5
    IdentityProviderFactory(tenant=tenant, slug="sso")
    assert Client().get("/acme/login/sso/").status_code == 302
    IdentityProvider.objects.filter(slug="sso").update(is_enabled=False)
    assert Client().get("/acme/login/sso/").status_code == 302  # still cached here
    clock.now += 5.1
    assert Client().get("/acme/login/sso/").status_code == 404  # the provider is off now


@pytest.mark.django_db
def test_a_warm_sign_in_start_from_a_substitute_link_makes_no_query(
    tenant, settings, factory_idp_discovered, django_assert_num_queries
):
    from django.test import Client

    from tests.factories import ServiceDeskFactory

    settings.GATEWAY_CONFIG_CACHE_SECONDS = 5
    IdentityProviderFactory(tenant=tenant, slug="sso")
    ServiceDeskFactory(tenant=tenant, jira_id="1")
    assert Client().get("/acme/portal/1/").status_code == 302  # cold: reads tenant, providers, desk
    with django_assert_num_queries(0):
        assert Client().get("/acme/portal/1/")["Location"].startswith(factory_idp_discovered)


@pytest.mark.django_db
def test_an_edit_another_process_published_is_seen_on_the_next_request(tenant, settings, factory_idp_discovered):
    """Another process's save: the rows change without a signal here, and the generation moves."""
    from django.test import Client

    from providers.models import IdentityProvider

    settings.GATEWAY_CONFIG_CACHE_SECONDS = 60
    IdentityProviderFactory(tenant=tenant, slug="sso")
    assert Client().get("/acme/login/sso/").status_code == 302
    assert Client().get("/acme/login/new/").status_code == 404  # both cached here now
    IdentityProvider.objects.filter(slug="sso").update(is_enabled=False)
    IdentityProvider.objects.bulk_create([IdentityProviderFactory.build(tenant=tenant, slug="new")])
    localcache.generation_bump()
    assert Client().get("/acme/login/sso/").status_code == 404
    assert Client().get("/acme/login/new/").status_code == 302


@pytest.mark.django_db
def test_a_save_publishes_its_change_only_once_committed(tenant, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    before = cache.get(localcache.GENERATION_KEY)
    with django_capture_on_commit_callbacks() as callbacks:
        IdentityProviderFactory(tenant=tenant)
        assert cache.get(localcache.GENERATION_KEY) == before  # another process would reload the old rows
    assert callbacks
    for callback in callbacks:
        callback()
    assert cache.get(localcache.GENERATION_KEY) != before
