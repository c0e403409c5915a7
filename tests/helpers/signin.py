"""Drive a sign-in through the gateway and the fake provider with Django's test client.

The gateway runs in-process (test client); the provider is real HTTP on 127.0.0.1, so the gateway's
back-channel calls (discovery, JWKS, /token, /userinfo) really go over the wire. The browser's
front-channel hop to /authorize is made with `provider.approve()`.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from fakes.oidc.provider import FakeOidcProvider
from providers.oidc import transaction


@dataclass
class SignIn:
    start: object  # the gateway's answer to the login URL (a redirect to the provider)
    authorize_url: str  # where the gateway sent the browser
    callback_url: str  # where the provider sent it back (code and state, or error)
    response: object  # the gateway's answer to the callback

    @property
    def authorize_params(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlsplit(self.authorize_url).query).items()}


def start_sign_in(client, start_url: str, provider: FakeOidcProvider) -> tuple[object, str, str]:
    """Open the gateway's login URL and let the provider approve; returns (start, authorize, callback)."""
    start = client.get(start_url)
    if start.status_code != 302 or not start["Location"].startswith(provider.url("authorize")):
        raise AssertionError(
            f"{start_url} did not redirect to the provider: {start.status_code} {start.get('Location')}"
        )
    authorize_url = start["Location"]
    callback_url = provider.approve(authorize_url)
    if not callback_url.startswith(settings.GATEWAY_BASE_URL + "/"):
        raise AssertionError(f"the provider sent the browser elsewhere: {callback_url}")
    return start, authorize_url, callback_url


def finish_sign_in(client, callback_url: str):
    """Follow the provider's redirect back to the gateway's callback (same test client, same cookies)."""
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, start_url: str, provider: FakeOidcProvider) -> SignIn:
    """The whole round trip: login URL → provider /authorize → gateway callback. Nothing followed after."""
    start, authorize_url, callback_url = start_sign_in(client, start_url, provider)
    return SignIn(start, authorize_url, callback_url, finish_sign_in(client, callback_url))


def sign_in_started(response) -> transaction.Transaction:
    """Assert that `response` starts a sign-in (302 to a provider with its transaction cookie); its transaction."""
    assert response.status_code == 302, f"{response.status_code}, not a sign-in start"
    query = parse_qs(urlsplit(response["Location"]).query)
    state = query["state"][0]
    cookie = response.cookies[f"{transaction.PREFIX}{state}"]
    return transaction.unseal(cookie.value)
