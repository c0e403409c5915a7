"""Rate limits on sign-in starts and callbacks, per client IP and per tenant (django-ratelimit).

Anyone can open a substitute link, so a flood must not turn the gateway into a amplifier
against an identity provider, nor let one noisy tenant starve the others. Counters live in the
cache (Redis in production, shared by every process); a limit hit is a 429 page, not a 500.
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from providers.oidc.errors import TooManyAttempts


def sign_in_throttle(request, *, tenant_slug: str, step: str) -> None:
    """Raise `TooManyAttempts` when this IP, or this tenant as a whole, went over its rate for `step`."""
    limits = [
        ("ip", "ip", settings.GATEWAY_RATE_SIGNIN_PER_IP),
        ("tenant", lambda group, request: tenant_slug, settings.GATEWAY_RATE_SIGNIN_PER_TENANT),
    ]
    for scope, key, rate in limits:
        if rate and is_ratelimited(request, group=f"signin-{step}-{scope}", key=key, rate=rate, increment=True):
            raise TooManyAttempts(f"{step}: the {scope} rate of {rate} was exceeded.", reason=f"rate_limited_{scope}")
