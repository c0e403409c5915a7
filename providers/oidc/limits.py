"""Rate limits on sign-in starts and callbacks, per client IP and per tenant: fixed one-window counters.

Anyone can open a substitute link, so a flood must not turn the gateway into an amplifier against
an identity provider, nor let one noisy tenant starve the others. Counters live in the cache (Redis
in production, shared by every process); a limit hit is a 429 page, not a 500.

Both counters of a request are counted in one Redis round trip (a pipeline of INCR and EXPIRE per
key; each key names its window, so it expires on its own). django-ratelimit, used before, made two
round trips per limit, four per request: a third of the CPU of a sign-in start (bin/bench). Other
cache backends (the local-memory cache of the SQLite quick path) count with `add` and `incr`.
While Redis is down the limits fail open: sign-in keeps working, and a warning is logged.
"""

import functools
import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from providers.errors import TooManyAttempts
from sso_gateway import cache as resilient
from sso_gateway.clientip import client_ip

_RATE = re.compile(r"^(?P<count>\d+)/(?P<multiplier>\d*)(?P<unit>[smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    @functools.lru_cache(maxsize=64)
    def parse(cls, value: str) -> "Rate":
        """`60/m`, `1000/h`, `10/5m`: so many per second, minute, hour or day (or per several of them)."""
        match = _RATE.match(value.strip())
        if match is None or int(match["count"]) < 1:
            raise ImproperlyConfigured(f"{value!r} is not a rate such as 60/m, 1000/h or 10/5m.")
        return cls(int(match["count"]), int(match["multiplier"] or 1) * _UNIT_SECONDS[match["unit"]])


def clock() -> float:
    """Seconds since the epoch, the one place the limiter reads the time (a test replaces it to stay in one
    window: a run that crossed a minute boundary would otherwise start counting again halfway)."""
    return time.time()


def sign_in_throttle(request, *, tenant_slug: str, step: str) -> None:
    """Raise `TooManyAttempts` when this IP, or this tenant as a whole, went over its rate for `step`."""
    limits = [
        (scope, Rate.parse(rate), f"signin-{step}-{scope}:{value}")
        for scope, value, rate in (
            ("ip", client_ip(request), settings.GATEWAY_RATE_SIGNIN_PER_IP),
            ("tenant", tenant_slug, settings.GATEWAY_RATE_SIGNIN_PER_TENANT),
        )
        if rate
    ]
    if not limits:
        return
    now = int(clock())
    keys = [(_key(name, now - now % rate.seconds), rate.seconds) for _, rate, name in limits]
    for (scope, rate, _), count in zip(limits, counters_hit(keys), strict=True):
        if count > rate.count:
            raise TooManyAttempts(
                f"{step}: the {scope} rate of {rate.count} per {rate.seconds}s was exceeded.",
                reason=f"rate_limited_{scope}",
            )


def _key(name: str, window_start: int) -> str:
    return f"gw.rl.{hashlib.sha256(name.encode()).hexdigest()[:32]}.{window_start}"


def counters_hit(keys: list[tuple[str, int]]) -> list[int]:
    """Add one to each (key, seconds) counter; their new values (0 each while the cache is down)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return _redis_hit(cache, keys)
    counts = []
    for key, seconds in keys:
        cache.add(key, 0, seconds)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr, or the cache is down
            counts.append(0)
    return counts


def _redis_hit(cache: RedisCache, keys: list[tuple[str, int]]) -> list[int]:
    names = [cache.make_and_validate_key(key) for key, _ in keys]
    client = cache._cache.get_client(names[0], write=True)
    pipeline = client.pipeline(transaction=False)
    for name, (_, seconds) in zip(names, keys, strict=True):
        pipeline.incr(name)
        pipeline.expire(name, seconds + 1)
    try:
        results = pipeline.execute()
    except resilient.DOWN as exc:
        resilient.warn("rate limit", exc)
        return [0] * len(keys)
    return [int(value) for value in results[::2]]


def rates_check(**kwargs) -> list[checks.Error]:
    """`manage.py check` (and every start) names a rate setting that cannot be read."""
    errors = []
    for name in ("GATEWAY_RATE_SIGNIN_PER_IP", "GATEWAY_RATE_SIGNIN_PER_TENANT", "GATEWAY_RATE_SHARE_PER_CUSTOMER"):
        value = getattr(settings, name)
        try:
            if value:
                Rate.parse(value)
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(f"{name}: {exc}", id="gateway.E101"))
    return errors
