"""Every call to a provider: bounded in time and size, no redirects followed, failures typed."""

import pytest
import requests
import responses

from providers.errors import ProviderMisbehaved, ProviderUnreachable
from providers.oidc import http
from sso_gateway import outgoing_http

URL = "https://idp.example/.well-known/openid-configuration"


@responses.activate
def test_a_redirect_is_not_followed():
    responses.get(URL, status=302, headers={"Location": "https://evil.example/"})
    responses.get("https://evil.example/", json={"issuer": "https://evil.example"})
    with pytest.raises(ProviderMisbehaved) as caught:
        http.get_json(URL, what="discovery document")
    assert "HTTP 302" in caught.value.detail
    assert len(responses.calls) == 1


@responses.activate
def test_a_response_over_one_megabyte_is_refused():
    responses.get(URL, body=b"{" + b" " * (2 * 1024 * 1024) + b"}", content_type="application/json")
    with pytest.raises(ProviderMisbehaved) as caught:
        http.get_json(URL, what="discovery document")
    assert caught.value.reason == "idp_response_too_large" and "larger than 1 MB" in caught.value.detail


@responses.activate
def test_a_timeout_and_a_refused_connection_are_unreachable(settings):
    settings.GATEWAY_HTTP_TIMEOUT = (2.0, 3.0)
    responses.get(URL, body=requests.ReadTimeout("slow"))
    with pytest.raises(ProviderUnreachable) as caught:
        http.get_json(URL, what="discovery document")
    assert caught.value.reason == "idp_timeout"
    assert responses.calls[0].request.req_kwargs["timeout"] == (2.0, 3.0)
    responses.replace(responses.GET, URL, body=requests.ConnectionError("refused"))
    with pytest.raises(ProviderUnreachable):
        http.get_json(URL, what="discovery document")


@responses.activate
@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(body):
    responses.get(URL, body=body)
    with pytest.raises(ProviderMisbehaved):
        http.get_json(URL, what="discovery document")


@responses.activate
def test_a_cookie_a_provider_sets_is_never_sent_back_with_another_call():
    """The session is shared by every tenant's sign-ins: a provider's cookie must not cross between them."""
    responses.get(URL, json={"issuer": "https://idp.example"}, headers={"Set-Cookie": "tenant_a=secret; Path=/"})
    responses.get(URL, json={"issuer": "https://idp.example"})
    http.get_json(URL, what="discovery document")
    http.get_json(URL, what="discovery document")
    assert "Cookie" not in responses.calls[1].request.headers
    assert len(outgoing_http.session(outgoing_http.IDENTITY_PROVIDER).cookies) == 0


def test_a_provider_address_inside_the_gateways_network_is_a_configuration_error(settings, fake_dns):
    """Not "try again in a minute": the address leads to cloud metadata, and nothing was sent there."""
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    fake_dns.answers["idp.attacker.example"] = ["169.254.169.254"]
    with pytest.raises(ProviderMisbehaved) as caught:
        http.get_json("https://idp.attacker.example/.well-known/openid-configuration", what="discovery document")
    assert caught.value.reason == "idp_address_refused"
    assert "idp.attacker.example resolves to 169.254.169.254, a link-local address" in caught.value.detail
