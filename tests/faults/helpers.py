"""Helpers of the fault tests: the settings a Redis-backed process would run with, and publishing to a
broker of the test's own."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from functools import cache

from sso_gateway.celery import app as celery_app

_PROFILE = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps({"cache": settings.CACHES["default"], "session_engine": settings.SESSION_ENGINE}))
"""


@cache
def redis_profile() -> dict:
    from django.conf import settings

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "sso_gateway.settings",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        # The run's own key prefix (tests/conftest.py): gateway processes a test starts inherit it too.
        "GATEWAY_CACHE_KEY_PREFIX": os.environ.get("GATEWAY_CACHE_KEY_PREFIX", ""),
    }
    env["GATEWAY_VAR_DIR"] = str(settings.VAR_DIR)
    done = subprocess.run(
        [sys.executable, "-c", _PROFILE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def publishing_to(broker_url: str):
    """The test process's Celery app publishes to `broker_url` (its connection pools rebuilt, then restored)."""
    previous = celery_app.conf.broker_url
    _reset_pools()
    celery_app.conf.broker_url = broker_url
    try:
        yield
    finally:
        _reset_pools()
        celery_app.conf.broker_url = previous


def _reset_pools() -> None:
    """Forget the app's pools so the next publish looks them up for the current URL. Never close them: kombu
    keeps one pool per broker URL for the whole process, and a closed one would fail every later publish."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
