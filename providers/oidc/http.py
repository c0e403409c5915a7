"""The only code that speaks HTTP to identity providers.

One `requests.Session` (connection pooling) with the gateway's timeouts, no redirects
(a provider that redirects its token endpoint is misconfigured or hostile) and a cap on the
response size, so a provider can neither hang a worker nor fill its memory. Every failure
becomes a typed error; callers never see a `requests` exception. The session is shared by every
tenant's calls, so it refuses cookies: nothing a provider set during one customer's sign-in is
sent with another's (many tenants may use the same provider, e.g. one Google or Okta domain).
"""

import json
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy

import requests
from django.conf import settings

from providers.errors import ProviderMisbehaved, ProviderUnreachable
from sso_gateway import metrics

MAX_RESPONSE_BYTES = 1024 * 1024
_session = requests.Session()
_session.headers["User-Agent"] = "jsm-sso-gateway"
_session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # refuses every cookie


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes

    def json(self, *, what: str) -> dict:
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProviderMisbehaved(f"{what}: the response is not JSON.", reason="idp_bad_json") from exc
        if not isinstance(data, dict):
            raise ProviderMisbehaved(f"{what}: the response is not a JSON object.", reason="idp_bad_json")
        return data


def timeout() -> tuple[float, float]:
    return tuple(settings.GATEWAY_HTTP_TIMEOUT)


def send(method: str, url: str, *, what: str, **kwargs) -> Response:
    """`what` names the call in errors ("token endpoint"); it never includes the URL's query or a secret."""
    try:
        with (
            metrics.idp_request(what),
            _session.request(method, url, timeout=timeout(), allow_redirects=False, stream=True, **kwargs) as raw,
        ):
            body = _read_bounded(raw, what=what)
            return Response(raw.status_code, raw.headers.get("Content-Type", "").lower(), body)
    except requests.Timeout as exc:
        raise ProviderUnreachable(f"{what}: no answer within the timeout.", reason="idp_timeout") from exc
    except requests.RequestException as exc:
        raise ProviderUnreachable(f"{what}: connection failed ({type(exc).__name__}).") from exc


def _read_bounded(raw: requests.Response, *, what: str) -> bytes:
    chunks, size = [], 0
    for chunk in raw.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise ProviderMisbehaved(f"{what}: the response is larger than 1 MB.", reason="idp_response_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def get_json(url: str, *, what: str) -> dict:
    response = send("GET", url, what=what, headers={"Accept": "application/json"})
    if response.status != 200:
        raise ProviderMisbehaved(f"{what}: HTTP {response.status}.", reason="idp_http_error")
    return response.json(what=what)
