"""The test identity providers themselves behave like OpenID Providers (and misbehave when told to).

If these fail, every sign-in test that uses the fakes is suspect; fix the fake first.
"""

import base64
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from fakes.oidc import DROP, s256

REDIRECT_URI = "http://testserver/acme/oidc/idp/callback/"


def authorize(provider, *, verifier="v" * 50, nonce="n-123", state="s-123", **extra) -> dict:
    params = {
        "client_id": provider.client_id,
        "response_type": "code",
        "scope": "openid email profile",
        "redirect_uri": REDIRECT_URI,
        "state": state,
        "nonce": nonce,
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        **extra,
    }
    location = provider.approve(provider.url("authorize") + "?" + urlencode(params))
    assert location.startswith(REDIRECT_URI + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def exchange(provider, code, *, verifier="v" * 50, auth="basic", redirect_uri=REDIRECT_URI):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    credentials = None
    if auth == "basic":
        credentials = (provider.client_id, provider.client_secret)
    elif auth == "post":
        form.update(client_id=provider.client_id, client_secret=provider.client_secret)
    return requests.post(provider.url("token"), data=form, auth=credentials, timeout=10)


def verify(provider, id_token, **options):
    jwks = jwt.PyJWKSet.from_dict(requests.get(provider.url("jwks"), timeout=10).json())
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = next(key for key in jwks.keys if key.key_id == kid)
    return jwt.decode(
        id_token, key, algorithms=[key.algorithm_name], audience=provider.client_id, issuer=provider.issuer, **options
    )


def sign_in(provider, **kwargs) -> dict:
    code = authorize(provider)["code"]
    answer = exchange(provider, code, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_discovery_points_at_the_providers_own_endpoints(oidc_provider):
    document = requests.get(oidc_provider.discovery_url, timeout=10).json()
    assert document["issuer"] == oidc_provider.issuer == oidc_provider.base_url
    for endpoint in ("authorize", "token", "userinfo", "jwks"):
        assert requests.get(oidc_provider.url(endpoint), timeout=10).status_code != 404
    assert document["jwks_uri"] == oidc_provider.base_url + "/jwks"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert oidc_provider.count("discovery") == 1


@pytest.mark.parametrize("auth", ["basic", "post"])
@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256"])
def test_code_flow_issues_a_verifiable_id_token_and_userinfo(oidc_provider_factory, auth, alg):
    provider = oidc_provider_factory(alg=alg)
    back = authorize(provider, state="st-1", nonce="no-1")
    assert back["state"] == "st-1"
    assert provider.authorize_params[0]["code_challenge"] == s256("v" * 50)
    exchanged = exchange(provider, back["code"], auth=auth)
    assert exchanged.status_code == 200, exchanged.text
    answer = exchanged.json()
    claims = verify(provider, answer["id_token"])
    assert claims["nonce"] == "no-1" and claims["sub"] == provider.user["sub"]
    assert claims["email"] == "ada@example.com" and "iat" in claims
    assert provider.token_auth_used == [f"client_secret_{auth}"]
    userinfo = requests.get(
        provider.url("userinfo"), headers={"Authorization": f"Bearer {answer['access_token']}"}, timeout=10
    )
    assert userinfo.json()["sub"] == claims["sub"]


def test_token_endpoint_enforces_pkce_code_reuse_redirect_uri_and_client_auth(oidc_provider):
    code = authorize(oidc_provider)["code"]
    assert exchange(oidc_provider, code, verifier="w" * 50).json()["error"] == "invalid_grant"
    code = authorize(oidc_provider)["code"]  # a failed exchange burns the code; get another
    assert exchange(oidc_provider, code, redirect_uri=REDIRECT_URI + "x").status_code == 400
    code = authorize(oidc_provider)["code"]
    assert exchange(oidc_provider, code, auth="none").status_code == 401
    code = authorize(oidc_provider)["code"]
    assert exchange(oidc_provider, code).status_code == 200
    assert exchange(oidc_provider, code).json()["error"] == "invalid_grant"  # single use
    oidc_provider.client_auth_methods = {"client_secret_post"}
    assert exchange(oidc_provider, authorize(oidc_provider)["code"], auth="basic").status_code == 401


def test_authorize_refuses_without_pkce_and_unknown_clients(oidc_provider):
    back = authorize(oidc_provider, code_challenge_method="plain")
    assert back["error"] == "invalid_request" and "code" not in back
    bad = requests.get(
        oidc_provider.url("authorize"),
        params={"client_id": "nobody", "redirect_uri": REDIRECT_URI},
        allow_redirects=False,
        timeout=10,
    )
    assert bad.status_code == 400


def test_claim_and_header_knobs_change_the_issued_id_token(oidc_provider):
    oidc_provider.id_token_claims = {"iss": "http://evil.example", "iat": DROP, "aud": ["x", "y"], "azp": "x"}
    oidc_provider.id_token_header = {"kid": DROP}
    token = sign_in(oidc_provider)["id_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "http://evil.example" and "iat" not in claims and claims["aud"] == ["x", "y"]
    assert "kid" not in jwt.get_unverified_header(token)


def test_signing_knobs_make_tokens_that_honest_verification_refuses(oidc_provider):
    oidc_provider.signing = "other_key"
    with pytest.raises(jwt.InvalidSignatureError):
        verify(oidc_provider, sign_in(oidc_provider)["id_token"])
    oidc_provider.signing = "none"
    token = sign_in(oidc_provider)["id_token"]
    assert jwt.get_unverified_header(token)["alg"] == "none" and token.endswith(".")
    oidc_provider.signing = "hs256"
    token = sign_in(oidc_provider)["id_token"]
    jwt.decode(token, oidc_provider.client_secret, algorithms=["HS256"], audience=oidc_provider.client_id)


def test_key_rotation_publishes_only_the_new_key(oidc_provider):
    old = oidc_provider.signing_key.kid
    new = oidc_provider.rotate_keys().kid
    kids = [key["kid"] for key in requests.get(oidc_provider.url("jwks"), timeout=10).json()["keys"]]
    assert kids == [new] and new != old
    assert jwt.get_unverified_header(sign_in(oidc_provider)["id_token"])["kid"] == new


def test_userinfo_as_signed_jwt_and_with_a_different_sub(oidc_provider):
    oidc_provider.userinfo_format = "jwt"
    oidc_provider.userinfo_claims = {"sub": "someone-else"}
    access = sign_in(oidc_provider)["access_token"]
    answer = requests.get(oidc_provider.url("userinfo"), headers={"Authorization": f"Bearer {access}"}, timeout=10)
    assert answer.headers["Content-Type"] == "application/jwt"
    claims = verify(oidc_provider, answer.text)
    assert claims["sub"] == "someone-else"
    assert (
        requests.get(oidc_provider.url("userinfo"), headers={"Authorization": "Bearer nope"}, timeout=10).status_code
        == 401
    )


def test_failure_knobs_answer_errors(oidc_provider):
    oidc_provider.discovery_error = 503
    oidc_provider.jwks_error = 500
    assert requests.get(oidc_provider.discovery_url, timeout=10).status_code == 503
    assert requests.get(oidc_provider.url("jwks"), timeout=10).status_code == 500
    oidc_provider.token_error = (400, {"error": "invalid_grant"})
    assert exchange(oidc_provider, authorize(oidc_provider)["code"]).json() == {"error": "invalid_grant"}
    oidc_provider.token_error, oidc_provider.token_delay = None, 1.0
    with pytest.raises(requests.Timeout):
        requests.post(oidc_provider.url("token"), data={}, timeout=(2, 0.2))
    oidc_provider.authorize_error = "access_denied"
    assert authorize(oidc_provider)["error"] == "access_denied"


def test_a_64_kb_claim_and_non_ascii_names_travel_intact(oidc_provider):
    oidc_provider.user.update(name="Zoë Ångström 李小龍", x_blob="x" * 65536)
    oidc_provider.id_token_claims = {"x_blob": "y" * 65536}
    answer = sign_in(oidc_provider)
    claims = verify(oidc_provider, answer["id_token"])
    assert claims["name"] == "Zoë Ångström 李小龍" and len(claims["x_blob"]) == 65536


def test_salesforce_mode_is_shaped_like_salesforce(salesforce_provider):
    provider = salesforce_provider
    document = requests.get(provider.discovery_url, timeout=10).json()
    assert document["issuer"] == provider.base_url
    assert document["jwks_uri"] == provider.base_url + "/id/keys"
    assert document["token_endpoint"] == provider.base_url + "/services/oauth2/token"
    assert document["userinfo_endpoint"] == provider.base_url + "/services/oauth2/userinfo"
    assert document["authorization_endpoint"] == provider.base_url + "/services/oauth2/authorize"
    answer = sign_in(provider)
    claims = verify(provider, answer["id_token"])
    org, user = provider.user["organization_id"], provider.user["user_id"]
    assert claims["sub"] == f"{provider.base_url}/id/{org}/{user}"
    assert answer["id"] == claims["sub"] and answer["instance_url"] == provider.base_url
    userinfo = requests.get(
        provider.url("userinfo"), headers={"Authorization": f"Bearer {answer['access_token']}"}, timeout=10
    ).json()
    assert {"user_id", "organization_id", "preferred_username", "nickname", "zoneinfo", "photos"} <= set(userinfo)
    assert org.startswith("00D") and user.startswith("005") and len(user) == 18


def test_logout_returns_to_the_post_logout_redirect_uri(oidc_provider):
    answer = requests.get(
        oidc_provider.url("logout"),
        allow_redirects=False,
        timeout=10,
        params={"post_logout_redirect_uri": "http://testserver/acme/", "state": "z"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "http://testserver/acme/?state=z"


def test_basic_credentials_are_form_urlencoded_before_base64(oidc_provider_factory):
    provider = oidc_provider_factory(client_id="id with:colon", client_secret="s%e:cret+")
    code = authorize(provider)["code"]
    pair = (
        f"{requests.utils.quote(provider.client_id, safe='')}:{requests.utils.quote(provider.client_secret, safe='')}"
    )
    header = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": "v" * 50}
    assert requests.post(provider.url("token"), data=form, headers=header, timeout=10).status_code == 200
    assert provider.token_auth_used == ["client_secret_basic"]


# ---------------------------------------------------------------- panva's oidc-provider

PANVA_CALLBACK = "http://testserver/acme/oidc/panva/callback/"


def panva_authorize_url(panva, *, verifier="p" * 48, state="st-panva", nonce="no-panva", pkce=True) -> str:
    params = {
        "client_id": panva.client_id,
        "response_type": "code",
        "scope": "openid email profile",
        "redirect_uri": panva.redirect_uris[0],
        "state": state,
        "nonce": nonce,
    }
    if pkce:
        params.update(code_challenge=s256(verifier), code_challenge_method="S256")
    return panva.discovery()["authorization_endpoint"] + "?" + urlencode(params)


def query_of(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def panva_tokens(panva, code, *, verifier="p" * 48):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": PANVA_CALLBACK, "code_verifier": verifier}
    token_endpoint = panva.discovery()["token_endpoint"]
    return requests.post(token_endpoint, auth=(panva.client_id, panva.client_secret), data=form, timeout=10)


def test_panva_starts_with_discovery_for_one_confidential_client(panva_provider):
    document = panva_provider.discovery()
    assert document["issuer"] == panva_provider.issuer and panva_provider.issuer.startswith("http://127.0.0.1:")
    assert "client_secret_basic" in document["token_endpoint_auth_methods_supported"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["end_session_endpoint"].startswith(panva_provider.issuer)
    assert panva_provider.redirect_uris == [PANVA_CALLBACK]


def test_panva_sign_in_through_login_and_consent_forms_yields_a_code_worth_tokens(panva_provider):
    from fakes.panva.driver import panva_sign_in

    callback = panva_sign_in(requests.Session(), panva_authorize_url(panva_provider), login="ada.lovelace")
    assert callback.startswith(PANVA_CALLBACK + "?")
    back = query_of(callback)
    assert back["state"] == "st-panva" and back["iss"] == panva_provider.issuer
    document = panva_provider.discovery()
    tokens = panva_tokens(panva_provider, back["code"])
    assert tokens.status_code == 200, tokens.text
    jwks = jwt.PyJWKClient(document["jwks_uri"])
    id_token = tokens.json()["id_token"]
    claims = jwt.decode(
        id_token,
        jwks.get_signing_key_from_jwt(id_token).key,
        algorithms=["RS256", "ES256"],
        audience=panva_provider.client_id,
        issuer=panva_provider.issuer,
    )
    assert claims["sub"] == "ada.lovelace" and claims["nonce"] == "no-panva"
    userinfo = requests.get(
        document["userinfo_endpoint"], timeout=10, headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}
    ).json()
    assert userinfo == {
        "sub": "ada.lovelace",
        "email": "ada.lovelace@example.com",
        "email_verified": True,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "name": "Ada Lovelace",
    }


def test_panva_requires_pkce_and_the_registered_redirect_uri(panva_provider):
    from fakes.panva.driver import panva_sign_in

    refused = panva_sign_in(requests.Session(), panva_authorize_url(panva_provider, pkce=False), login="x")
    assert query_of(refused)["error"] == "invalid_request"
    wrong = panva_authorize_url(panva_provider).replace("acme", "globex")
    answer = requests.get(wrong, allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and "redirect_uri" in answer.text


def test_panva_accounts_can_carry_explicit_claims(panva_factory):
    from fakes.panva.driver import panva_sign_in

    panva = panva_factory(
        redirect_uris=[PANVA_CALLBACK], accounts={"zoe": {"name": "Zoë Ångström", "email_verified": False}}
    )
    back = query_of(panva_sign_in(requests.Session(), panva_authorize_url(panva), login="zoe"))
    document = panva.discovery()
    access_token = panva_tokens(panva, back["code"]).json()["access_token"]
    userinfo = requests.get(
        document["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )
    userinfo = userinfo.json()
    assert userinfo["name"] == "Zoë Ångström" and userinfo["email_verified"] is False
    assert userinfo["email"] == "zoe@example.com"


@pytest.mark.browser
def test_panva_sign_in_works_in_a_real_browser(panva_factory):
    """The same login and consent forms, clicked in Chromium; the browser lands on the client's callback."""
    from playwright.sync_api import sync_playwright

    from fakes.oidc.server import LocalServer, Response

    landing = LocalServer(lambda request: Response.text("callback reached", content_type="text/html"))
    landing.start()
    try:
        callback = f"http://127.0.0.1:{landing.port}/acme/oidc/panva/callback/"
        panva = panva_factory(redirect_uris=[callback])
        url = panva_authorize_url(panva)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
            page = browser.new_page()
            page.route("**/fonts.googleapis.com/**", lambda route: route.abort())  # the dev pages import a font
            page.goto(url)
            page.fill("input[name=login]", "grace.hopper")
            page.fill("input[name=password]", "anything")
            page.click("button[type=submit]")
            page.wait_for_selector("text=Continue")
            page.click("button[type=submit]")
            page.wait_for_url(callback + "**")
            landed, body = page.url, page.content()
            browser.close()
    finally:
        landing.stop()
    assert query_of(landed)["state"] == "st-panva" and query_of(landed)["code"]
    assert "callback reached" in body


BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.mark.django_db
def test_panva_driver_completes_a_gateway_sign_in_with_the_django_test_client(tenant, panva_provider):
    """The flow fakes/README.md documents: test client for the gateway, a requests.Session for panva."""
    from django.core.cache import cache
    from django.test import Client

    from fakes.panva.driver import panva_sign_in
    from tests.factories import provider_at

    cache.clear()  # discovery is cached by URL; a port can repeat across tests
    idp = provider_at(panva_provider, tenant=tenant, slug="panva")
    client = Client()
    start = client.get(idp.login_path())
    assert start.status_code == 302 and start["Location"].startswith(panva_provider.issuer)
    callback = urlsplit(panva_sign_in(requests.Session(), start["Location"], login="grace.hopper"))
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    account = client.get(f"/{tenant.slug}/account/").content.decode()
    assert "grace.hopper@example.com" in account and "Grace" in account and "Hopper" in account
