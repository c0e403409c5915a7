"""A short-lived per-process cache of configuration that every sign-in start reads.

An anonymous visitor opening a substitute link needs the active tenant, its enabled identity
providers, the desk and the provider's discovery document. Read from PostgreSQL and Redis on every
visit they cost more than the rest of the request together (bin/bench, "Link to IdP"), so each
process keeps them for `GATEWAY_CONFIG_CACHE_SECONDS` (default 5; 0 switches the cache off).

Freshness: saving or deleting a cached model in this process empties every cache at once (signals
connected in `ProvidersConfig.ready`), so the admin's own process sees an edit on its next request;
other processes see it within the TTL. Bulk writes (`QuerySet.update`, the sync's upsert) send no
signals and are seen within the TTL. The caches are bounded: when one is full it starts again.
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")

_caches: list["LocalCache"] = []


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
    for cache in _caches:
        cache.clear()


def clear_on_change(model) -> None:
    """Empty every local cache whenever `model` is saved or deleted in this process (apps' `ready`)."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(clear_all, sender=model, dispatch_uid=f"localcache.save.{model._meta.label}")
    post_delete.connect(clear_all, sender=model, dispatch_uid=f"localcache.del.{model._meta.label}")
