"""The identity providers' side of `sso_gateway.outgoing_http`: its answers and failures as sign-in types.

Every call to a provider goes through the module's identity-provider session: the gateway's timeouts, no
redirects (a provider that redirects its token endpoint is misconfigured or hostile), a 1 MB cap on the
answer and no cookies (many tenants may share one provider, e.g. one Google or Okta domain, and nothing a
provider set during one customer's sign-in may be sent with another's). Here its failures become the
`SignInError` a customer sees; callers never see a `requests` exception.
"""

import json
from dataclasses import dataclass

from providers.errors import ProviderMisbehaved, ProviderUnreachable
from sso_gateway import outgoing_http


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


def send(method: str, url: str, *, what: str, **kwargs) -> Response:
    """`what` names the call in errors ("token endpoint"); it never includes the URL's query or a secret."""
    try:
        raw = outgoing_http.send(outgoing_http.IDENTITY_PROVIDER, method, url, what=what, **kwargs)
    except outgoing_http.OutgoingTimeout as exc:
        raise ProviderUnreachable(f"{what}: no answer within the timeout.", reason="idp_timeout") from exc
    except outgoing_http.ResponseTooLarge as exc:
        size = f"{exc.limit // (1024 * 1024)} MB"
        raise ProviderMisbehaved(
            f"{what}: the response is larger than {size}.", reason="idp_response_too_large"
        ) from exc
    except outgoing_http.OutgoingDestinationRefused as exc:
        # The provider's address (as typed, or as its discovery document names it) leads inside the gateway's
        # network: a configuration to correct, not an outage to wait out.
        raise ProviderMisbehaved(f"{what}: {exc}", reason="idp_address_refused") from exc
    except outgoing_http.OutgoingError as exc:
        raise ProviderUnreachable(f"{what}: connection failed ({exc.cause}).") from exc
    return Response(raw.status_code, raw.headers.get("Content-Type", "").lower(), raw.content)


def get_json(url: str, *, what: str) -> dict:
    response = send("GET", url, what=what, headers={"Accept": "application/json"})
    if response.status != 200:
        raise ProviderMisbehaved(f"{what}: HTTP {response.status}.", reason="idp_http_error")
    return response.json(what=what)
