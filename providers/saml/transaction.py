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

import base64
import hashlib
import re
import secrets
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import signing

from providers.errors import TransactionInvalid
from sso_gateway import saml

MAX_AGE = 600
MAX_PENDING = 5
PREFIX = "gwsaml_"
SALT = "gateway.saml.transaction"
_REQUEST_ID = re.compile(r"^_[0-9a-f]{40}$")


@dataclass(frozen=True)
class SamlTransaction:
    tenant_id: int
    provider_id: int
    next_path: str
    test: bool = False
    request_id: str = ""

    @classmethod
    def new(cls, **kwargs) -> "SamlTransaction":
        return cls(request_id=saml.new_id(), **kwargs)

    @property
    def cookie_name(self) -> str:
        return PREFIX + self.request_id


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"{SALT}:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(transaction: SamlTransaction) -> str:
    return _fernet().encrypt(signing.dumps(asdict(transaction), salt=SALT, compress=True).encode()).decode()


def unseal(value: str) -> SamlTransaction:
    try:
        data = signing.loads(_fernet().decrypt(value.encode(), ttl=MAX_AGE).decode(), salt=SALT, max_age=MAX_AGE)
        return SamlTransaction(**data)
    except InvalidToken as exc:
        raise TransactionInvalid("the sign-in cookie is expired or was altered.", reason="state_expired") from exc
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise TransactionInvalid("the sign-in cookie was altered.", reason="state_tampered") from exc


def _cookie_options(tenant_slug: str) -> dict:
    secure = settings.GATEWAY_BASE_URL.startswith("https://")
    return {"path": f"/{tenant_slug}/", "samesite": "None" if secure else "Lax", "secure": secure}


def store(response, *, transaction: SamlTransaction, tenant_slug: str, request) -> None:
    """Set the cookie; drop the oldest pending ones beyond MAX_PENDING so the Cookie header stays small."""
    options = _cookie_options(tenant_slug)
    pending = sorted(name for name in request.COOKIES if name.startswith(PREFIX))
    for name in pending[: max(0, len(pending) - MAX_PENDING + 1)]:
        response.delete_cookie(name, path=options["path"], samesite=options["samesite"])
    response.set_cookie(transaction.cookie_name, seal(transaction), max_age=MAX_AGE, httponly=True, **options)


def is_request_id(value: str) -> bool:
    return bool(_REQUEST_ID.match(value or ""))


def load(request, *, request_id: str) -> SamlTransaction:
    """The transaction of the request `request_id` (the response's InResponseTo) started in this browser."""
    if not _REQUEST_ID.match(request_id or ""):
        raise TransactionInvalid("the response answers no request of this gateway.", reason="saml_unknown_request")
    value = request.COOKIES.get(PREFIX + request_id)
    if not value:
        raise TransactionInvalid(
            "no pending sign-in for this InResponseTo in this browser (expired, finished, or started elsewhere).",
            reason="saml_unknown_request",
        )
    transaction = unseal(value)
    if not secrets.compare_digest(transaction.request_id, request_id):
        raise TransactionInvalid("the sign-in cookie belongs to another request.", reason="state_mismatch")
    return transaction


def forget(response, *, request_id: str, tenant_slug: str) -> None:
    if _REQUEST_ID.match(request_id or ""):
        options = _cookie_options(tenant_slug)
        response.delete_cookie(PREFIX + request_id, path=options["path"], samesite=options["samesite"])
