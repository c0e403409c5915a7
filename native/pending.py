"""The AuthnRequest waiting for the customer's sign-in, carried by the browser instead of a database row.

An AuthnRequest can come from anyone's browser, so answering one must write nothing on the server (as the
OIDC start, providers/oidc/transaction.py). What the answer needs later (the request ID for InResponseTo,
the ACS URL and SP it was checked against, RelayState, ForceAuthn, when it arrived) travels in a cookie
signed with a timestamp (django.core.signing) and then encrypted (Fernet keyed from SECRET_KEY): the
browser can neither read nor change it. The continuation URL names the cookie (`?p=<key>`), so two tabs
signing in at once both finish; the cookie is HttpOnly, SameSite=Lax (the sign-in comes back with
top-level GETs), Path-restricted to the tenant, Secure on https, lives 10 minutes and is used up by the
continuation whatever its outcome.
"""

import base64
import hashlib
import re
import secrets
import time
from dataclasses import asdict, dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import signing

from native.errors import PendingInvalid

MAX_AGE = 600
MAX_PENDING = 5
PREFIX = "gwsaml_"
SALT = "gateway.native.pending"
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Pending:
    tenant_id: int
    request_id: str
    sp_entity_id: str
    acs_url: str
    relay_state: str | None
    force_authn: bool
    test: bool = False
    issued_at: float = field(default_factory=time.time)
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def cookie_name(self) -> str:
        return PREFIX + self.key


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"{SALT}:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(pending: Pending) -> str:
    return _fernet().encrypt(signing.dumps(asdict(pending), salt=SALT, compress=True).encode()).decode()


def unseal(value: str) -> Pending:
    try:
        data = signing.loads(_fernet().decrypt(value.encode(), ttl=MAX_AGE).decode(), salt=SALT, max_age=MAX_AGE)
        return Pending(**data)
    except InvalidToken as exc:
        detail = "the pending sign-in cookie is expired or was altered."
        raise PendingInvalid(detail, reason="saml_pending_expired") from exc
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise PendingInvalid("the pending sign-in cookie was altered.", reason="saml_pending_tampered") from exc


def cookie_path(tenant_slug: str) -> str:
    return f"/{tenant_slug}/"


def store(response, *, pending: Pending, tenant_slug: str, request) -> None:
    """Set the cookie; drop the oldest pending ones beyond MAX_PENDING so the Cookie header stays small."""
    for name in _stale(request):
        response.delete_cookie(name, path=cookie_path(tenant_slug), samesite="Lax")
    response.set_cookie(
        pending.cookie_name,
        seal(pending),
        max_age=MAX_AGE,
        path=cookie_path(tenant_slug),
        secure=settings.GATEWAY_BASE_URL.startswith("https://"),
        httponly=True,
        samesite="Lax",
    )


def _stale(request) -> list[str]:
    pending = [name for name in request.COOKIES if name.startswith(PREFIX)]
    if len(pending) < MAX_PENDING:
        return []

    def issued(name: str) -> int:
        try:
            return _fernet().extract_timestamp(request.COOKIES[name].encode())
        except InvalidToken:
            return 0

    return sorted(pending, key=issued)[: len(pending) - MAX_PENDING + 1]


def load(request, *, key: str, tenant_id: int) -> Pending:
    if not key or not _KEY.match(key):
        raise PendingInvalid("the continuation names no pending sign-in.", reason="saml_pending_missing")
    value = request.COOKIES.get(PREFIX + key)
    if not value:
        raise PendingInvalid("no pending sign-in of this key in this browser.", reason="saml_pending_unknown")
    pending = unseal(value)
    if not secrets.compare_digest(pending.key, key) or pending.tenant_id != tenant_id:
        raise PendingInvalid("the pending sign-in belongs to another key or tenant.", reason="saml_pending_mismatch")
    return pending


def forget(response, *, key: str, tenant_slug: str) -> None:
    if key and _KEY.match(key):
        response.delete_cookie(PREFIX + key, path=cookie_path(tenant_slug), samesite="Lax")
