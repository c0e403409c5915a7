"""Each assertion is accepted once (Profiles §4.1.4.5), remembered in the shared cache until it expires.

The key is the provider and the assertion's ID; it lives until the assertion's own NotOnOrAfter (plus the
leeway), after which the time checks refuse it anyway. The cache is Redis in production, shared by every
process. While Redis is down a replay cannot be told from a first use; the sign-in goes on (logged),
because the request's cookie, deleted by the ACS, already keeps a response from being used twice in one
browser or at all in another.
"""

import datetime as dt
import hashlib
import logging

from django.core.cache import cache

from providers.saml.errors import SamlResponseInvalid

logger = logging.getLogger("gateway.signin")


def accept_once(*, provider_id: int, assertion_id: str, until: dt.datetime, now: dt.datetime) -> None:
    key = f"gw.saml.seen.{provider_id}.{hashlib.sha256(assertion_id.encode()).hexdigest()[:40]}"
    seconds = max(60, int((until - now).total_seconds()) + 60)
    if cache.add(key, 1, seconds):
        return
    if cache.get(key) == 1:
        raise SamlResponseInvalid("this assertion was already used (a replay).", reason="saml_replayed")
    logger.warning("SAML replay cache unavailable: assertion accepted without the replay check")
