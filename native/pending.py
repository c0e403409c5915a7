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

import secrets
import time
from dataclasses import dataclass, field

from native.errors import PendingInvalid
from sso_gateway.sealed_cookies import Refusal, Refusals, SealedCookies
from sso_gateway.sealed_cookies import cookie_path as cookie_path  # the Path, for callers

# Its own prefix: the SAML sign-in transaction (gwsaml_) shares the path, and each drops its own oldest beyond five.
PREFIX = "gwidp_"
SALT = "gateway.native.pending"
REFUSALS = Refusals(
    PendingInvalid,
    malformed=Refusal("the continuation names no pending sign-in.", "saml_pending_missing"),
    unknown=Refusal("no pending sign-in of this key in this browser.", "saml_pending_unknown"),
    mismatch=Refusal("the pending sign-in belongs to another key or tenant.", "saml_pending_mismatch"),
    expired=Refusal("the pending sign-in cookie is expired or was altered.", "saml_pending_expired"),
    altered=Refusal("the pending sign-in cookie was altered.", "saml_pending_tampered"),
)


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


COOKIES = SealedCookies(Pending, PREFIX, SALT, REFUSALS)
MAX_AGE, MAX_PENDING = COOKIES.max_age, COOKIES.max_pending
seal, unseal = COOKIES.seal, COOKIES.unseal


def store(response, *, pending: Pending, tenant_slug: str, request) -> None:
    """Set the cookie; drop the oldest pending ones beyond MAX_PENDING so the Cookie header stays small."""
    COOKIES.store(response, pending, tenant_slug=tenant_slug, request=request)


def load(request, *, key: str, tenant_id: int) -> Pending:
    """The pending sign-in the continuation's `key` names, started in this browser for this tenant."""
    return COOKIES.load(request, key, belongs=lambda pending: pending.tenant_id == tenant_id)


def forget(response, *, key: str, tenant_slug: str) -> None:
    COOKIES.forget(response, key, tenant_slug=tenant_slug)
