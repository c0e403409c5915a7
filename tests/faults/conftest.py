"""Fixtures of the fault tests: services of this test alone that it may break (see services.py)."""

import pytest

from tests.faults.helpers import redis_profile
from tests.faults.services import BlackHole, RedisServer


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server on a free port, for this test only (never the machine's shared one)."""
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def own_durable_redis(tmp_path):
    """As `own_redis`, with an append-only file fsynced on every write (how a broker should run)."""
    server = RedisServer(tmp_path, persistent=True).start()
    yield server
    server.kill()


@pytest.fixture
def black_hole():
    hole = BlackHole()
    yield hole
    hole.close()


@pytest.fixture
def redis_sessions(settings):
    """Point the gateway's cache and sessions at `server`, configured exactly as settings.py does when
    REDIS_URL is set (read from a fresh interpreter, so these tests follow any change made there)."""

    def use(server: RedisServer) -> None:
        profile = redis_profile()
        settings.CACHES = {"default": {**profile["cache"], "LOCATION": server.url(0)}}
        settings.SESSION_ENGINE = profile["session_engine"]

    return use
