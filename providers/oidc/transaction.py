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

import secrets
from dataclasses import dataclass, field

from providers.errors import TransactionInvalid
from sso_gateway.sealed_cookies import Refusal, Refusals, SealedCookies
from sso_gateway.sealed_cookies import cookie_path as cookie_path  # the Path, for callers


@dataclass(frozen=True)
class ProviderSignIn:
    """What a sign-in at an identity provider carries whatever the protocol (SAML's transaction extends it too)."""

    tenant_id: int
    provider_id: int
    next_path: str
    test: bool = False


PREFIX = "gwtx_"
SALT = "gateway.oidc.transaction"
REFUSALS = Refusals(
    TransactionInvalid,
    malformed=Refusal("the provider sent back no usable state.", "state_missing"),
    unknown=Refusal(
        "no pending sign-in for this state in this browser (expired, finished, or started elsewhere).", "state_unknown"
    ),
    mismatch=Refusal("the sign-in cookie belongs to another state.", "state_mismatch"),
    expired=Refusal("the sign-in cookie is expired or was altered.", "state_expired"),
    altered=Refusal("the sign-in cookie was altered.", "state_tampered"),
)


@dataclass(frozen=True)
class Transaction(ProviderSignIn):
    state: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    code_verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def cookie_name(self) -> str:
        return PREFIX + self.state


COOKIES = SealedCookies(Transaction, PREFIX, SALT, REFUSALS, key_field="state")
MAX_AGE, MAX_PENDING = COOKIES.max_age, COOKIES.max_pending
seal, unseal = COOKIES.seal, COOKIES.unseal


def store(response, *, transaction: Transaction, tenant_slug: str, request) -> None:
    """Set the cookie; drop the oldest pending ones beyond MAX_PENDING so the Cookie header stays small."""
    COOKIES.store(response, transaction, tenant_slug=tenant_slug, request=request)


def load(request, *, state: str) -> Transaction:
    """The transaction the provider's `state` points at (RFC 6749 10.12: CSRF protection of the callback)."""
    return COOKIES.load(request, state)


def forget(response, *, state: str, tenant_slug: str) -> None:
    COOKIES.forget(response, state, tenant_slug=tenant_slug)
