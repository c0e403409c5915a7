"""A sign-in in progress, carried by the browser in a sealed cookie instead of a row on the server.

Starting a sign-in must write nothing on the server: anyone's browser (or a crawler opening links) can
start one. So what the sign-in needs later travels in a cookie that is signed with a timestamp
(django.core.signing) and then encrypted (Fernet keyed from SECRET_KEY and a salt of its own), so the
browser can neither read nor change it. One cookie per pending sign-in, `<prefix><key>`, so two tabs
signing in at once both finish; Path-restricted to the tenant, HttpOnly, Secure whenever the gateway's
base URL is https, living `max_age` seconds, and at most `max_pending` of them per browser so the
Cookie header stays small.

The OIDC transaction (providers/oidc/transaction.py), the SAML transaction (providers/saml/transaction.py)
and native mode's pending AuthnRequest (native/pending.py) are each one `SealedCookies`: they differ in
the dataclass they carry, their names, their errors and, for SAML's cross-site POST back, SameSite.
"""

import base64
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import signing

MAX_AGE = 600  # seconds: sign-ins must finish within 10 minutes (what the refusal pages tell the customer)
MAX_PENDING = 5  # per browser and kind: the Cookie header stays small
TOKEN_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")  # a key made by secrets.token_urlsafe(24)


class Refusal(NamedTuple):
    """What a refused cookie raises: the detail shown to the customer and the reason code that is logged."""

    message: str
    reason: str


@dataclass(frozen=True)
class Refusals:
    """`error(message, reason=...)` is raised with the matching `Refusal`: `malformed`, the key is not one this
    kind of cookie can have; `unknown`, this browser has no cookie of that key; `mismatch`, the cookie is
    sealed for another key (or fails the caller's `belongs`); `expired`, Fernet refuses it (older than
    max_age, or altered: it cannot tell which); `altered`, its signature or content is wrong."""

    error: Callable[..., Exception]
    malformed: Refusal
    unknown: Refusal
    mismatch: Refusal
    expired: Refusal
    altered: Refusal


def cookie_path(tenant_slug: str) -> str:
    return f"/{tenant_slug}/"


@dataclass(frozen=True)
class SealedCookies:
    """Cookies `<prefix><key>` each carrying one `kind` (a dataclass) whose `key_field` is the key."""

    kind: type
    prefix: str
    salt: str
    refusals: Refusals
    key_field: str = "key"
    key_pattern: re.Pattern = TOKEN_KEY
    max_age: int = MAX_AGE
    max_pending: int = MAX_PENDING
    samesite: str | Callable[[bool], str] = "Lax"  # a callable is given whether the cookie is Secure

    def is_key(self, key: str | None) -> bool:
        return bool(self.key_pattern.match(key or ""))

    def _fernet(self) -> Fernet:
        digest = hashlib.sha256(f"{self.salt}:{settings.SECRET_KEY}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    def _refused(self, which: str) -> Exception:
        refusal = getattr(self.refusals, which)
        return self.refusals.error(refusal.message, reason=refusal.reason)

    def seal(self, value) -> str:
        return self._fernet().encrypt(signing.dumps(asdict(value), salt=self.salt, compress=True).encode()).decode()

    def unseal(self, value: str):
        try:
            signed = self._fernet().decrypt(value.encode(), ttl=self.max_age).decode()
            return self.kind(**signing.loads(signed, salt=self.salt, max_age=self.max_age))
        except InvalidToken as exc:
            raise self._refused("expired") from exc
        except (signing.BadSignature, TypeError, ValueError) as exc:
            raise self._refused("altered") from exc

    def cookie_options(self, tenant_slug: str) -> dict:
        secure = settings.GATEWAY_BASE_URL.startswith("https://")
        samesite = self.samesite(secure) if callable(self.samesite) else self.samesite
        return {"path": cookie_path(tenant_slug), "samesite": samesite, "secure": secure}

    def store(self, response, value, *, tenant_slug: str, request) -> None:
        """Set the cookie; drop the oldest pending ones beyond max_pending so the Cookie header stays small."""
        options = self.cookie_options(tenant_slug)
        for name in self.stale(request):
            response.delete_cookie(name, path=options["path"], samesite=options["samesite"])
        name = self.prefix + getattr(value, self.key_field)
        response.set_cookie(name, self.seal(value), max_age=self.max_age, httponly=True, **options)

    def stale(self, request) -> list[str]:
        """The cookies of this prefix to drop so that, with the one being set, max_pending remain."""
        pending = [name for name in request.COOKIES if name.startswith(self.prefix)]
        if len(pending) < self.max_pending:
            return []

        def issued(name: str) -> int:
            try:
                return self._fernet().extract_timestamp(request.COOKIES[name].encode())
            except InvalidToken:
                return 0

        ordered = sorted(pending, key=issued)
        return ordered[: len(pending) - self.max_pending + 1]

    def load(self, request, key: str, *, belongs: Callable[[object], bool] = lambda value: True):
        """The value sealed in this browser's cookie of `key`, refused unless it was sealed for that key."""
        if not self.is_key(key):
            raise self._refused("malformed")
        sealed = request.COOKIES.get(self.prefix + key)
        if not sealed:
            raise self._refused("unknown")
        value = self.unseal(sealed)
        if not secrets.compare_digest(getattr(value, self.key_field), key) or not belongs(value):
            raise self._refused("mismatch")
        return value

    def forget(self, response, key: str, *, tenant_slug: str) -> None:
        if self.is_key(key):
            options = self.cookie_options(tenant_slug)
            response.delete_cookie(self.prefix + key, path=options["path"], samesite=options["samesite"])
