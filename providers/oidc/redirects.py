"""Where a customer goes after signing in: `next`, but only inside the same tenant.

An open redirect after sign-in is a phishing tool, and a path of another tenant would carry a
customer across tenants. So `next` must be a plain path under `/<tenant>/`: no scheme, no host,
no `//`, no backslash, no dot segments (a browser would resolve `/acme/../globex/`), no control
characters. Anything else falls back to the tenant's home.
"""

import re
from urllib.parse import unquote, urlsplit

from django.urls import reverse

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
MAX_LENGTH = 2000


def safe_next(value: str | None, *, tenant_slug: str) -> str:
    home = reverse("portal:home", kwargs={"tenant_slug": tenant_slug})
    return value if is_safe_next(value, tenant_slug=tenant_slug) else home


def is_safe_next(value: str | None, *, tenant_slug: str) -> bool:
    if not value or len(value) > MAX_LENGTH or not value.startswith(f"/{tenant_slug}/"):
        return False
    decoded = unquote(unquote(value))
    if _UNSAFE.search(value) or _UNSAFE.search(decoded) or "//" in decoded:
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return False
    return not any(segment in (".", "..") for segment in decoded.split("?")[0].split("/"))
