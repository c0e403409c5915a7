"""A short-lived per-process cache of configuration that every sign-in start reads.

An anonymous visitor opening a substitute link needs the active tenant, its enabled identity
providers, the desk and the provider's discovery document. Read from PostgreSQL and Redis on every
visit they cost more than the rest of the request together (bin/bench, "Link to IdP"), so each
process keeps them for `GATEWAY_CONFIG_CACHE_SECONDS` (default 5; 0 switches the cache off).

Freshness: every process sees a configuration change on its next request. A write to a cached model
(saved or deleted: signals connected with `clear_on_change` in the apps' `ready`; bulk writes such as the
sync's upsert call `changed()` themselves) empties this process's caches at once and, when its transaction
commits, bumps a configuration generation in the shared cache. `GenerationMiddleware` reads that number
once per request (one round trip to Redis, no database query) and empties this process's caches when it
moved. While Redis is down the number cannot be read, and changes are seen within the TTL instead. With the
embedded default (a per-process memory cache) only the process that saved sees the change at once: that is
the development server, a single process. The caches are bounded: when one is full it starts again.
"""

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

_caches: list["LocalCache"] = []
logger = logging.getLogger(__name__)
GENERATION_KEY = "gw:config-generation"
_seen_generation: int | None = None


class LocalCache:
    def __init__(self, name: str, *, max_entries: int = 10_000):
        self.name = name
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get_or_load(self, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value of `key`, or `load()` (a raising `load` caches nothing)."""
        seconds = settings.GATEWAY_CONFIG_CACHE_SECONDS
        if seconds <= 0:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (now + seconds, value)
        return value

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear_all(*args, **kwargs) -> None:
    """Empty every local cache (a signal receiver, hence the arguments)."""
    for local in _caches:
        local.clear()


def changed(*args, **kwargs) -> None:
    """Configuration was written: this process forgets it now, every other one at its next request after the
    commit (a signal receiver, hence the arguments). Bumped after the commit, so no process can reload the
    old rows under the new generation."""
    clear_all()
    transaction.on_commit(generation_bump)


def clear_on_change(model) -> None:
    """Call `changed` whenever `model` is saved or deleted (apps' `ready`)."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(changed, sender=model, dispatch_uid=f"localcache.save.{model._meta.label}")
    post_delete.connect(changed, sender=model, dispatch_uid=f"localcache.del.{model._meta.label}")


def generation_bump() -> None:
    """A new configuration generation. A missing key starts from the clock, so a Redis that lost the key
    never hands out a number a process has already seen."""
    try:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        cache.incr(GENERATION_KEY)
    except ValueError:  # the shared cache is down (or lost the key in between): the TTL takes over
        logger.warning("Could not publish a configuration change; other processes see it within the TTL.")


def generation_check() -> None:
    """Empty this process's caches if the configuration generation moved since its last request."""
    global _seen_generation
    generation = cache.get(GENERATION_KEY, 0)
    if generation != _seen_generation:
        clear_all()
        _seen_generation = generation


class GenerationMiddleware:
    """Checks the configuration generation before each request (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        generation_check()
        return self.get_response(request)
