"""The OpenID Connect backend, built on mozilla-django-oidc but configured per identity provider row.

mozilla-django-oidc's `OIDCAuthenticationBackend` reads one global configuration in `__init__`
(its issues #362, #415), stores state in the session, matches users by email and trusts ID tokens
after a signature and nonce check (#340). This subclass keeps its shape (token exchange →
`verify_token` → `get_userinfo` → `verify_claims` → find-or-create) and replaces each step:
the configuration comes from the `IdentityProvider` and its discovery document, HTTP goes through
`providers.oidc.http` (timeouts, no redirects, bounded size), tokens are validated by
`providers.oidc.tokens` (OpenID Connect Core 3.1.3.7), userinfo is checked against the ID token
(5.3.2), and a customer is found by (tenant, provider, sub), never by email.

It is not in AUTHENTICATION_BACKENDS: it returns a `providers.models.Customer`, not a Django user, and
is called from the callback view only.
"""

from dataclasses import dataclass, field
from urllib.parse import quote_plus

from django.core.exceptions import ImproperlyConfigured
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from requests.auth import HTTPBasicAuth

from providers.errors import ProviderMisbehaved, SignInError
from providers.models import Customer, IdentityProvider
from providers.oidc import discovery, http, tokens
from providers.oidc.errors import TOKEN_ERRORS, TokenExchangeFailed, UserinfoInvalid, known_error
from providers.oidc.mapping import MappedIdentity, claims_map, email_verified_check
from providers.oidc.transaction import Transaction
from providers.selectors import attribute_mapping_of
from providers.services import customer_sign_in
from tenants.links import absolute


@dataclass
class VerifiedSignIn:
    """What came back, once every check passed. Tokens themselves are not kept."""

    id_claims: dict
    userinfo: dict
    mapped: MappedIdentity | None = None
    mapping_error: SignInError | None = None
    claims: dict = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.id_claims["sub"]


class GatewayOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, provider: IdentityProvider, *, metadata: discovery.Metadata | None = None):
        # Not calling super().__init__(): it reads OIDC_* from global settings.
        self.provider = provider
        self.metadata = metadata or discovery.metadata_get(provider=provider)
        self.OIDC_OP_TOKEN_ENDPOINT = self.metadata.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.metadata.userinfo_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret

    def get_settings(self, attr, *args):
        """The base class reads global OIDC_* settings here; every method of it the gateway reaches is
        replaced above, so one that is not would fail loudly rather than use another configuration."""
        raise ImproperlyConfigured(f"{attr}: the gateway's OIDC backend is configured per provider, not by settings.")

    # -- the flow
    def authenticate(self, request, *, code: str = "", transaction: Transaction | None = None, **kwargs):
        """Code → verified claims → the customer (created or updated). Raises SignInError on any failure."""
        verified = self.verify_sign_in(code=code, transaction=transaction)
        if verified.mapping_error:
            raise verified.mapping_error
        return self.get_or_create_user(verified)

    def verify_sign_in(self, *, code: str, transaction: Transaction) -> VerifiedSignIn:
        token_info = self.get_token(self.token_payload(code=code, transaction=transaction))
        id_claims = self.verify_token(token_info.get("id_token"), nonce=transaction.nonce)
        userinfo = self.get_userinfo(token_info.get("access_token"), None, id_claims)
        verified = VerifiedSignIn(id_claims=id_claims, userinfo=userinfo, claims={**id_claims, **userinfo})
        try:
            self.verify_claims(verified.claims)
            mapping = attribute_mapping_of(provider=self.provider)
            verified.mapped = claims_map(
                verified.claims, provider=self.provider, mapping=mapping, subject=verified.subject
            )
        except SignInError as exc:
            verified.mapping_error = exc
        return verified

    def token_payload(self, *, code: str, transaction: Transaction) -> dict:
        payload = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolute(self.provider.callback_path()),
            "code_verifier": transaction.code_verifier,
            "client_id": self.OIDC_RP_CLIENT_ID,
        }
        if self.provider.token_auth_method == IdentityProvider.TokenAuth.POST:
            payload["client_secret"] = str(self.OIDC_RP_CLIENT_SECRET)
        return payload

    def get_token(self, payload: dict) -> dict:
        """RFC 6749 4.1.3; client_secret_basic form-encodes id and secret before Basic (RFC 6749 2.3.1)."""
        auth = None
        if self.provider.token_auth_method != IdentityProvider.TokenAuth.POST:
            auth = HTTPBasicAuth(quote_plus(self.OIDC_RP_CLIENT_ID), quote_plus(str(self.OIDC_RP_CLIENT_SECRET)))
        response = http.send(
            "POST", self.OIDC_OP_TOKEN_ENDPOINT, what="token endpoint", data=payload, auth=auth,
            headers={"Accept": "application/json"},
        )  # fmt: skip
        self.raise_token_response_error(response)
        return response.json(what="token endpoint")

    def raise_token_response_error(self, response: http.Response) -> None:
        if response.status == 200:
            return
        if response.status in (400, 401):
            error = _error_code(response)
            raise TokenExchangeFailed(
                f"the token endpoint refused the code: HTTP {response.status} {error}.",
                reason=f"token_{error}" if error else "token_exchange_failed",
            )
        raise ProviderMisbehaved(f"token endpoint: HTTP {response.status}.", reason="token_endpoint_error")

    def verify_token(self, token, **kwargs) -> dict:
        return tokens.validate_id_token(
            token, provider=self.provider, issuer=self.metadata.issuer, nonce=kwargs["nonce"], keys=self._keys
        )

    def _keys(self, refresh: bool) -> list[dict]:
        return discovery.jwks_get(metadata=self.metadata, refresh=refresh)

    def get_userinfo(self, access_token, id_token, payload) -> dict:
        """OpenID Connect Core 5.3: optional (no endpoint: the ID token's claims suffice); 5.3.2: same sub."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return {}
        if not isinstance(access_token, str) or not access_token:
            raise ProviderMisbehaved("the token response has no access_token for userinfo.", reason="token_invalid")
        response = http.send(
            "GET",
            self.OIDC_OP_USER_ENDPOINT,
            what="userinfo endpoint",
            headers={"Authorization": f"Bearer {access_token}"},
        )
        if response.status != 200:
            raise ProviderMisbehaved(f"userinfo endpoint: HTTP {response.status}.", reason="userinfo_http_error")
        if response.content_type.startswith("application/jwt"):
            userinfo = self._userinfo_jwt(response.body)
        else:
            userinfo = response.json(what="userinfo endpoint")
        if userinfo.get("sub") != payload["sub"]:
            raise UserinfoInvalid("the userinfo sub is not the ID token's sub.", reason="userinfo_sub_mismatch")
        return userinfo

    def _userinfo_jwt(self, body: bytes) -> dict:
        """5.3.2: a signed userinfo response; iss and aud, when present, must be the provider and us."""
        token = body.decode("ascii", errors="replace").strip()
        header = tokens.header_of(token)
        alg = tokens.algorithm_of(header, provider=self.provider)
        key = tokens.signing_key(header, alg, provider=self.provider, keys=self._keys)
        claims = tokens.decode(token, key, algorithms=[alg], provider=self.provider, issuer=None)
        if "iss" in claims and claims["iss"] != self.metadata.issuer:
            raise UserinfoInvalid("the signed userinfo's iss is not the issuer.", reason="userinfo_iss_mismatch")
        aud = claims.get("aud", self.OIDC_RP_CLIENT_ID)
        if self.OIDC_RP_CLIENT_ID not in (aud if isinstance(aud, list) else [aud]):
            raise UserinfoInvalid("the signed userinfo is for another client.", reason="userinfo_aud_mismatch")
        return claims

    def verify_claims(self, claims) -> bool:
        email_verified_check(claims, provider=self.provider)
        return True

    # -- the customer: (tenant, provider, sub), never matched by email; tokens are never stored
    def get_or_create_user(self, verified: VerifiedSignIn) -> Customer:
        return customer_sign_in(provider=self.provider, identity=verified.mapped)


def _error_code(response: http.Response) -> str:
    """The OAuth `error` code (RFC 6749 5.2) from the spec's list, else "other"; never the description (it
    may echo input). "" when the answer has no JSON error at all."""
    try:
        error = response.json(what="token endpoint").get("error", "")
    except ProviderMisbehaved:
        return ""
    return known_error(error, TOKEN_ERRORS) if error else ""
