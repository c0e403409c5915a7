"""A small, configurable OpenID Provider for tests: real HTTP on 127.0.0.1, misbehaving on demand.

It implements just enough of OpenID Connect Core 1.0 (authorization code flow, 3.1) and Discovery 1.0
for the gateway to sign a customer in: discovery, JWKS, /authorize (auto-approves the current `user`),
/token (client_secret_basic or client_secret_post, single-use codes, exact redirect_uri, PKCE S256 per
RFC 7636 4.6), /userinfo (Bearer, JSON or application/jwt) and an end_session endpoint.

Every knob is a plain attribute, read when the request arrives, so a test changes behaviour between two
logins by assigning it. Overrides use `DROP` to remove a claim or header. See fakes/README.md.
"""

import secrets
import threading
import time

import jwt
import requests

from fakes.oidc import claims as shapes
from fakes.oidc.endpoints import Grant, OidcEndpoints, apply_overrides
from fakes.oidc.keys import SigningKey, token_hash
from fakes.oidc.server import LocalServer, RecordedRequest


class FakeOidcProvider(OidcEndpoints):
    """One provider at http://127.0.0.1:<port>. Use as a context manager or call start()/stop()."""

    def __init__(
        self,
        *,
        salesforce: bool = False,
        alg: str = "RS256",
        client_id: str | None = None,
        client_secret: str | None = None,
        redirect_uris: list[str] | None = None,
    ):
        self.salesforce = salesforce
        self.paths = shapes.SALESFORCE_PATHS if salesforce else shapes.GENERIC_PATHS
        self._server = LocalServer(self._dispatch)
        self.base_url = f"http://127.0.0.1:{self._server.port}"
        self.issuer = self.base_url
        default_id = f"3MVG9{secrets.token_hex(20)}" if salesforce else "gateway-client"
        self.client_id = client_id or default_id
        self.client_secret = client_secret or secrets.token_urlsafe(32)
        self.redirect_uris = redirect_uris  # None: any redirect_uri is accepted (and recorded)
        self.keys: list[SigningKey] = [SigningKey.generate(alg)]  # published in the JWKS
        self.signing_key: SigningKey = self.keys[0]
        make_user = shapes.salesforce_user if salesforce else shapes.generic_user
        self.user: dict = make_user(issuer=self.issuer)  # who /authorize signs in (copied per code)
        # --- knobs for hostile cases (all read per request)
        self.id_token_claims: dict = {}  # e.g. {"iss": "http://evil"}, {"iat": DROP}, {"aud": ["a", "b"]}
        self.id_token_header: dict = {}  # e.g. {"kid": DROP}, {"kid": "unknown"}
        self.userinfo_claims: dict = {}  # e.g. {"sub": "someone-else"}
        self.discovery_overrides: dict = {}
        self.signing = "key"  # "key" | "other_key" (bad signature) | "none" | "hs256" (client secret)
        self.userinfo_format = "json"  # "json" | "jwt" (application/jwt, signed like the ID token)
        self.userinfo_error: int | None = None
        self.token_error: tuple[int, dict | str] | None = None  # e.g. (400, {"error": "invalid_grant"})
        self.token_delay = 0.0  # seconds /token sleeps before answering (timeouts)
        self.discovery_error: int | None = None  # e.g. 503: discovery down
        self.jwks_error: int | None = None  # e.g. 503: JWKS down
        self.authorize_error: str | None = None  # e.g. "access_denied": the user said no
        self.require_pkce = True
        self.client_auth_methods = {"client_secret_basic", "client_secret_post"}
        self.id_token_lifetime = 600
        # --- what happened
        self.requests: list[RecordedRequest] = []
        self.token_auth_used: list[str] = []
        self.token_answers: list[dict] = []  # what /token answered (to prove no token leaks into pages or logs)
        self._grants: dict[str, Grant] = {}
        self._access: dict[str, Grant] = {}
        self._impostor: SigningKey | None = None
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- lifecycle and inspection
    def start(self) -> "FakeOidcProvider":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> "FakeOidcProvider":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def discovery_url(self) -> str:
        return self.base_url + shapes.DISCOVERY_PATH

    def url(self, endpoint: str) -> str:
        return self.base_url + (shapes.DISCOVERY_PATH if endpoint == "discovery" else self.paths[endpoint])

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        """Requests to "discovery", "jwks", "authorize", "token", "userinfo" or "logout"."""
        path = shapes.DISCOVERY_PATH if endpoint == "discovery" else self.paths[endpoint]
        return [request for request in list(self.requests) if request.path == path]

    def count(self, endpoint: str) -> int:
        return len(self.requests_to(endpoint))

    @property
    def authorize_params(self) -> list[dict]:
        """The query of every /authorize request, in order (state, nonce, code_challenge, ...)."""
        return [request.query for request in self.requests_to("authorize")]

    # ---------------------------------------------------------------- keys
    def rotate_keys(self, alg: str | None = None) -> SigningKey:
        """Retire every published key; sign with (and publish only) a fresh one with a new kid."""
        key = SigningKey.generate(alg or self.signing_key.alg)
        self.keys = [key]
        self.signing_key = key
        return key

    def add_key(self, alg: str = "RS256", *, sign_with: bool = False) -> SigningKey:
        """Publish one more key (several keys in the JWKS); optionally sign with it from now on."""
        key = SigningKey.generate(alg)
        self.keys.append(key)
        if sign_with:
            self.signing_key = key
        return key

    # ---------------------------------------------------------------- tokens
    def make_id_token(self, *, user: dict | None = None, nonce: str | None = None, access_token: str = "") -> str:
        """An ID token as /token would issue it now (OIDC Core 2), knobs applied."""
        user = self.user if user is None else user
        now = int(time.time())
        token_claims = {
            "iss": self.issuer,
            "sub": user.get("sub"),
            "aud": self.client_id,
            "exp": now + self.id_token_lifetime,
            "iat": now,
            "auth_time": now,
        }
        if nonce is not None:
            token_claims["nonce"] = nonce
        if access_token:
            token_claims["at_hash"] = token_hash(access_token)
        token_claims.update({name: user[name] for name in shapes.ID_TOKEN_PROFILE_CLAIMS if name in user})
        return self.sign(apply_overrides(token_claims, self.id_token_claims), self.id_token_header)

    def sign(self, payload: dict, header_overrides: dict | None = None) -> str:
        """Sign as the `signing` knob says; header overrides (DROP removes, e.g. the kid) come last."""
        headers = {"kid": self.signing_key.kid}
        if self.signing == "hs256":
            headers = {}
        headers = apply_overrides(headers, header_overrides or {})
        if self.signing == "none":
            return jwt.encode(payload, None, algorithm="none", headers=headers)
        if self.signing == "hs256":
            return jwt.encode(payload, self.client_secret, algorithm="HS256", headers=headers or None)
        key = self.signing_key
        if self.signing == "other_key":
            if self._impostor is None or self._impostor.alg != key.alg:
                self._impostor = SigningKey.generate(key.alg, kid=key.kid)
            key = self._impostor
        elif self.signing != "key":
            raise ValueError(f"unknown signing mode {self.signing!r}")
        return jwt.encode(payload, key.private_key, algorithm=key.alg, headers=headers or None)

    def approve(self, authorize_url: str) -> str:
        """Open an /authorize URL like a browser (real HTTP) and return where it sends the browser back."""
        response = requests.get(authorize_url, allow_redirects=False, timeout=10)
        if response.status_code != 302:
            raise AssertionError(f"/authorize answered {response.status_code}: {response.text[:300]}")
        return response.headers["Location"]
