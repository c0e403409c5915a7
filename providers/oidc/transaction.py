"""The pending sign-in, carried by the browser in a cookie instead of a session row: anonymous traffic writes nothing.

Starting a sign-in must write nothing on the server: a crawler opening substitute links would
otherwise fill the session table (a stock mozilla-django-oidc start writes ~425 bytes per visit).
So `state`, `nonce`, the PKCE verifier (RFC 7636), the provider and the return path travel in a
cookie that is signed (django.core.signing, with a timestamp) and then encrypted (Fernet, keyed
from SECRET_KEY), so the browser can neither read the verifier and nonce nor change anything.

One cookie per pending state (`gwtx_<state>`): two tabs signing in at once both complete. The
cookie is Path-restricted to the tenant, HttpOnly, SameSite=Lax (the provider's redirect back is a
top-level GET, which Lax allows) and Secure whenever the gateway's base URL is https. It lives
10 minutes and is deleted by the callback, whatever its outcome.
"""

import base64
import hashlib
import re
import secrets
from dataclasses import asdict, dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import signing

from providers.errors import TransactionInvalid

MAX_AGE = 600
MAX_PENDING = 5
PREFIX = "gwtx_"
SALT = "gateway.oidc.transaction"
_STATE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Transaction:
    tenant_id: int
    provider_id: int
    next_path: str
    test: bool = False
    state: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    code_verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def cookie_name(self) -> str:
        return PREFIX + self.state


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"{SALT}:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(transaction: Transaction) -> str:
    signed = signing.dumps(asdict(transaction), salt=SALT, compress=True)
    return _fernet().encrypt(signed.encode()).decode()


def unseal(value: str) -> Transaction:
    try:
        signed = _fernet().decrypt(value.encode(), ttl=MAX_AGE).decode()
        data = signing.loads(signed, salt=SALT, max_age=MAX_AGE)
        return Transaction(**data)
    except InvalidToken as exc:
        raise TransactionInvalid("the sign-in cookie is expired or was altered.", reason="state_expired") from exc
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise TransactionInvalid("the sign-in cookie was altered.", reason="state_tampered") from exc


def cookie_path(tenant_slug: str) -> str:
    return f"/{tenant_slug}/"


def store(response, *, transaction: Transaction, tenant_slug: str, request) -> None:
    """Set the cookie; drop the oldest pending ones beyond MAX_PENDING so the Cookie header stays small."""
    for name in _stale(request):
        response.delete_cookie(name, path=cookie_path(tenant_slug), samesite="Lax")
    response.set_cookie(
        transaction.cookie_name,
        seal(transaction),
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


def load(request, *, state: str) -> Transaction:
    """The transaction the provider's `state` points at (RFC 6749 10.12: CSRF protection of the callback)."""
    if not state or not _STATE.match(state):
        raise TransactionInvalid("the provider sent back no usable state.", reason="state_missing")
    value = request.COOKIES.get(PREFIX + state)
    if not value:
        raise TransactionInvalid(
            "no pending sign-in for this state in this browser (expired, finished, or started elsewhere).",
            reason="state_unknown",
        )
    transaction = unseal(value)
    if not secrets.compare_digest(transaction.state, state):
        raise TransactionInvalid("the sign-in cookie belongs to another state.", reason="state_mismatch")
    return transaction


def forget(response, *, state: str, tenant_slug: str) -> None:
    if state and _STATE.match(state):
        response.delete_cookie(PREFIX + state, path=cookie_path(tenant_slug), samesite="Lax")
