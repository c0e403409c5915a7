"""A Redis cache that degrades to a miss when Redis is down, instead of turning pages into 500s.

The gateway caches what it can fetch again (discovery documents, JWKS, JSM metadata) and counts
rate limits there. While Redis is unreachable: reads miss, writes are dropped, `incr` raises
ValueError (the rate limits of providers/oidc/limits.py then fail open), and a warning is
logged at most once a minute per process. Sessions are kept in the database too (the `cached_db`
engine of sso_gateway/session_store.py), so signed-in customers stay signed in (settings.py).
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
DOWN = (RedisConnectionError, RedisTimeoutError)
_last_warning = 0.0


def warn(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning(
            "Redis cache unreachable (%s during %s); serving without the cache", type(exc).__name__, operation
        )


def _degrades_to(fallback):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except DOWN as exc:
                warn(method.__name__, exc)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class _ClientReusingRedisCacheClient(RedisCacheClient):
    """Django builds a `redis.Redis` around the connection pool for every operation; build it once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return self._clients[index]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientReusingRedisCacheClient

    get = _degrades_to(_default)(RedisCache.get)
    get_many = _degrades_to({})(RedisCache.get_many)
    has_key = _degrades_to(False)(RedisCache.has_key)
    set = _degrades_to(None)(RedisCache.set)
    set_many = _degrades_to([])(RedisCache.set_many)
    add = _degrades_to(False)(RedisCache.add)
    touch = _degrades_to(False)(RedisCache.touch)
    delete = _degrades_to(False)(RedisCache.delete)
    delete_many = _degrades_to(None)(RedisCache.delete_many)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except DOWN as exc:
            warn("incr", exc)
            raise ValueError("cache unavailable") from exc
