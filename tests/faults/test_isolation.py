"""Runs that share one Redis keep out of each other's way, and a cache flush never deletes queued work.

Django's `cache.clear()` on Redis is FLUSHDB: everything in the database goes. So the Celery broker lives in
another database than the cache (settings.py), and each test run prefixes its cache keys (tests/conftest.py)
and clears only those. Each test here has a redis-server of its own (never the machine's shared one).
"""

import json
import os
import subprocess
import sys

from django.conf import settings
from kombu import Connection

from sso_gateway.cache import ResilientRedisCache

_SETTINGS = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps({"cache": settings.CACHES["default"], "broker": settings.CELERY_BROKER_URL}))
"""


def production_profile(redis_url: str) -> dict:
    """The cache and broker a process started with only REDIS_URL set gets (a fresh interpreter, as it would)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "CELERY_", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sso_gateway.settings", REDIS_URL=redis_url, GATEWAY_VAR_DIR=str(settings.VAR_DIR)
    )
    done = subprocess.run(
        [sys.executable, "-c", _SETTINGS], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def cache_at(config: dict, **params) -> ResilientRedisCache:
    return ResilientRedisCache(config["LOCATION"], {**config, **params})


def test_a_cache_flush_leaves_the_tasks_queued_in_the_broker(own_redis):
    profile = production_profile(own_redis.url(0))
    assert profile["cache"]["LOCATION"] != profile["broker"]
    cache = cache_at(profile["cache"])
    with Connection(profile["broker"]) as broker:
        queue = broker.SimpleQueue("gateway-isolation")
        queue.put({"customer": 7})
        cache.set("discovery", "document")
        cache.clear()  # what an operator's `cache.clear()` or a test's clean-up does
        assert cache.get("discovery") is None
        assert queue.get(timeout=2).payload == {"customer": 7}
        queue.close()


def test_one_runs_cache_clear_deletes_only_its_own_keys(own_redis):
    config = production_profile(own_redis.url(0))["cache"]
    ours, theirs = cache_at(config, KEY_PREFIX="test-ours"), cache_at(config, KEY_PREFIX="test-theirs")
    ours.set("gw.rl.counter", 3)
    theirs.set("gw.rl.counter", 5)
    theirs.set("session", "signed-in")
    ours.clear()
    assert ours.get("gw.rl.counter") is None
    assert theirs.get("gw.rl.counter") == 5 and theirs.get("session") == "signed-in"


def test_this_run_has_its_own_cache_prefix_when_it_runs_on_a_shared_redis():
    from django.core.cache import cache

    if not settings.REDIS_URL:  # the embedded default: a per-process local-memory cache, nothing shared
        assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
        return
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert prefix.startswith("test-") and cache.key_prefix == prefix
    assert os.environ["GATEWAY_CACHE_KEY_PREFIX"] == prefix  # the workers and servers it starts use it too
    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL
