"""The pending SAML sign-in, carried by the browser in a cookie: starting a sign-in writes no row.

As for OpenID Connect (providers/oidc/transaction.py), the AuthnRequest's ID, the provider, the return
path and whether it is an admin's test travel in a cookie that is signed (django.core.signing, with a
timestamp) and encrypted (Fernet keyed from SECRET_KEY). One cookie per pending request,
`gwsaml_<request id>`, limited to `/<tenant>/`, HttpOnly, living 10 minutes, deleted by the ACS.

The provider returns the customer with a cross-site POST (HTTP-POST binding), which browsers send
SameSite=Lax cookies with only when the provider is the same site. So on https the cookie is
SameSite=None; Secure (a login-CSRF with it would still need the request ID, which only the provider
and this browser's encrypted cookie know). On plain http (tests, the demo) browsers refuse SameSite=None,
and the cookie is Lax; when a POST arrives without it, the ACS answers with a page that posts the same
fields again from the gateway's own origin, a same-site POST that carries it (providers/saml/views.py).
"""

import re
from dataclasses import dataclass, replace

from providers.oidc import transaction as oidc_transaction
from sso_gateway import saml
from sso_gateway.sealed_cookies import Refusal, SealedCookies

PREFIX = "gwsaml_"
SALT = "gateway.saml.transaction"
# OIDC's refusals, but for the response's InResponseTo instead of the provider's state.
REFUSALS = replace(
    oidc_transaction.REFUSALS,
    malformed=Refusal("the response answers no request of this gateway.", "saml_unknown_request"),
    unknown=Refusal(
        "no pending sign-in for this InResponseTo in this browser (expired, finished, or started elsewhere).",
        "saml_unknown_request",
    ),
    mismatch=Refusal("the sign-in cookie belongs to another request.", "state_mismatch"),
)


@dataclass(frozen=True)
class SamlTransaction(oidc_transaction.ProviderSignIn):
    request_id: str = ""

    @classmethod
    def new(cls, **kwargs) -> "SamlTransaction":
        return cls(request_id=saml.new_id(), **kwargs)

    @property
    def cookie_name(self) -> str:
        return PREFIX + self.request_id


def _samesite(secure: bool) -> str:
    """SameSite=None on https, for the provider's cross-site POST back (browsers refuse None without Secure)."""
    return "None" if secure else "Lax"


COOKIES = SealedCookies(
    SamlTransaction,
    PREFIX,
    SALT,
    REFUSALS,
    key_field="request_id",
    key_pattern=re.compile(r"^_[0-9a-f]{40}$"),
    samesite=_samesite,
)
MAX_AGE, MAX_PENDING = COOKIES.max_age, COOKIES.max_pending
seal, unseal = COOKIES.seal, COOKIES.unseal


def store(response, *, transaction: SamlTransaction, tenant_slug: str, request) -> None:
    """Set the cookie; drop pending ones beyond MAX_PENDING so the Cookie header stays small."""
    COOKIES.store(response, transaction, tenant_slug=tenant_slug, request=request)


def is_request_id(value: str) -> bool:
    return COOKIES.is_key(value)


def load(request, *, request_id: str) -> SamlTransaction:
    """The transaction of the request `request_id` (the response's InResponseTo) started in this browser."""
    return COOKIES.load(request, request_id)


def forget(response, *, request_id: str, tenant_slug: str) -> None:
    COOKIES.forget(response, request_id, tenant_slug=tenant_slug)
