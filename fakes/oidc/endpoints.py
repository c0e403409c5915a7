"""The HTTP endpoints of the fake OpenID Provider (OpenID Connect Core 1.0 section 3.1, Discovery 1.0).

A mixin over FakeOidcProvider: it reads the provider's knobs (attributes) when each request arrives.
"""

import copy
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from fakes.oidc import claims as shapes
from fakes.oidc.keys import s256
from fakes.oidc.server import RecordedRequest, Response


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP = _Drop()  # in an override dict: remove this claim / header / discovery field


def apply_overrides(base: dict, overrides: dict) -> dict:
    """Merge `overrides` into a copy of `base`; a value of DROP removes the key."""
    result = dict(base)
    for name, value in overrides.items():
        if value is DROP:
            result.pop(name, None)
        else:
            result[name] = value
    return result


@dataclass
class Grant:
    """What /authorize decided, waiting for /token: the code's binding (OIDC Core 3.1.3.2)."""

    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    scope: str
    user: dict


class OidcEndpoints:
    """Routes and answers; the knobs, keys and token minting live on FakeOidcProvider."""

    _lock: threading.Lock

    def _dispatch(self, request: RecordedRequest) -> Response:
        self.requests.append(request)
        routes = {
            shapes.DISCOVERY_PATH: self._discovery,
            **{path: getattr(self, f"_{name}") for name, path in self.paths.items()},
        }
        handler = routes.get(request.path)
        return handler(request) if handler else Response.text("not found", 404)

    def _discovery(self, request: RecordedRequest) -> Response:
        if self.discovery_error:
            return Response.text("discovery is down", self.discovery_error)
        algs = sorted({key.alg for key in self.keys} | ({"HS256"} if self.signing == "hs256" else set()))
        document = shapes.discovery_document(
            issuer=self.issuer, base_url=self.base_url, paths=self.paths, algs=algs, salesforce=self.salesforce
        )
        return Response.json(apply_overrides(document, self.discovery_overrides))

    def _jwks(self, request: RecordedRequest) -> Response:
        if self.jwks_error:
            return Response.text("JWKS is down", self.jwks_error)
        return Response.json({"keys": [key.public_jwk() for key in self.keys]})

    def _authorize(self, request: RecordedRequest) -> Response:
        query = request.query
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id:
            return Response.text("Unknown client_id.", 400)
        if not redirect_uri or (self.redirect_uris is not None and redirect_uri not in self.redirect_uris):
            return Response.text("redirect_uri is not registered for this client.", 400)
        error = self._authorize_refusal(query)
        if error:
            return self._back(redirect_uri, query, error=error[0], error_description=error[1])
        code = secrets.token_urlsafe(24)
        grant = Grant(
            redirect_uri=redirect_uri,
            nonce=query.get("nonce"),
            code_challenge=query.get("code_challenge"),
            code_challenge_method=query.get("code_challenge_method"),
            scope=query.get("scope", ""),
            user=copy.deepcopy(self.user),
        )
        with self._lock:
            self._grants[code] = grant
        return self._back(redirect_uri, query, code=code)

    def _authorize_refusal(self, query: dict) -> tuple[str, str] | None:
        if self.authorize_error:
            return self.authorize_error, "Refused by the test."
        if query.get("response_type") != "code":
            return "unsupported_response_type", "Only the authorization code flow."
        if "openid" not in query.get("scope", "").split():
            return "invalid_scope", "The openid scope is required."
        if self.require_pkce and (not query.get("code_challenge") or query.get("code_challenge_method") != "S256"):
            return "invalid_request", "PKCE with S256 is required."
        return None

    @staticmethod
    def _back(redirect_uri: str, query: dict, **params) -> Response:
        if "state" in query:
            params["state"] = query["state"]
        return Response.redirect(redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(params))

    def _token(self, request: RecordedRequest) -> Response:
        if self.token_delay:
            time.sleep(self.token_delay)
        if self.token_error:
            status, body = self.token_error
            return Response.json(body, status) if isinstance(body, dict) else Response.text(body, status)
        refusal = self._client_refusal(request)
        if refusal:
            return refusal
        form = request.form
        if form.get("grant_type") != "authorization_code":
            return Response.json({"error": "unsupported_grant_type"}, 400)
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return Response.json({"error": "invalid_grant", "error_description": "Unknown code or redirect_uri."}, 400)
        if grant.code_challenge and s256(form.get("code_verifier", "")) != grant.code_challenge:
            return Response.json({"error": "invalid_grant", "error_description": "PKCE verification failed."}, 400)
        return Response.json(self._token_answer(grant))

    def _client_refusal(self, request: RecordedRequest) -> Response | None:
        """Client authentication (OIDC Core 9): exactly one method, and one this client may use."""
        basic, form = request.basic_credentials(), request.form
        if basic and "client_secret_basic" in self.client_auth_methods:
            method, (client_id, secret) = "client_secret_basic", basic
        elif not basic and "client_secret" in form and "client_secret_post" in self.client_auth_methods:
            method, client_id, secret = "client_secret_post", form.get("client_id", ""), form["client_secret"]
        else:
            return Response.json({"error": "invalid_client"}, 401, **{"WWW-Authenticate": 'Basic realm="token"'})
        if client_id != self.client_id or not hmac.compare_digest(secret.encode(), self.client_secret.encode()):
            return Response.json({"error": "invalid_client"}, 401, **{"WWW-Authenticate": 'Basic realm="token"'})
        self.token_auth_used.append(method)
        return None

    def _token_answer(self, grant: Grant) -> dict:
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access[access_token] = grant
        answer = {
            "access_token": access_token,
            "token_type": "Bearer",
            "scope": grant.scope,
            "id_token": self.make_id_token(user=grant.user, nonce=grant.nonce, access_token=access_token),
        }
        if self.salesforce:  # Salesforce adds these and no expires_in
            answer.update(
                {
                    "instance_url": self.base_url,
                    "id": grant.user.get("sub", ""),
                    "issued_at": str(int(time.time() * 1000)),
                    "signature": secrets.token_urlsafe(32),
                }
            )
        else:
            answer["expires_in"] = 3600
        self.token_answers.append(answer)
        return answer

    def _userinfo(self, request: RecordedRequest) -> Response:
        if self.userinfo_error:
            return Response.json({"error": "server_error"}, self.userinfo_error)
        grant = self._access.get(request.bearer_token())
        if grant is None:
            return Response.json(
                {"error": "invalid_token"}, 401, **{"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        answer = apply_overrides(grant.user, self.userinfo_claims)
        if self.userinfo_format == "jwt":  # OIDC Core 5.3.2: a signed answer carries iss and aud
            token = self.sign({"iss": self.issuer, "aud": self.client_id, **answer}, self.id_token_header)
            return Response(200, token.encode("ascii"), {"Content-Type": "application/jwt"})
        return Response.json(answer)

    def _logout(self, request: RecordedRequest) -> Response:
        target = request.query.get("post_logout_redirect_uri")
        if target:
            return self._back(target, request.query)
        return Response.text("<p>You are signed out of the test provider.</p>", content_type="text/html")
