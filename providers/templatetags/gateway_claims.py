"""Claims as an admin reads them (Test connection): lists as lists, booleans as yes/no, times as dates.

A claim's value is JSON (OIDC Core 5.1): `claim_value` writes it for a person, never interpreting HTML
(autoescaping applies to what it returns). Times are the claims RFC 7519 4.1 and OIDC Core 2 and 5.1 define
as seconds since the epoch (exp, iat, nbf, auth_time, updated_at).
"""

import json
from datetime import UTC, datetime

from django import template

register = template.Library()

TIME_CLAIMS = frozenset({"exp", "iat", "nbf", "auth_time", "updated_at"})


@register.filter
def claim_value(value, name: str = "") -> str:
    if isinstance(value, bool):
        return "yes (true)" if value else "no (false)"
    if value is None:
        return "— (null)"
    if name in TIME_CLAIMS and isinstance(value, int | float) and 0 <= value < 2**33:
        moment = datetime.fromtimestamp(value, tz=UTC)
        return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({int(value)})"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value) if value else "— (empty list)"
    return _plain(value)


def _plain(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
