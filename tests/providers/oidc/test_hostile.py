"""Issue 3's hostile-provider matrix: every ID token and userinfo check refuses what it must, accepts what it must.

Each case drives the real gateway (Django test client) from the provider's login URL through the fake
provider's /authorize (real HTTP on 127.0.0.1) to the gateway's callback, which calls the fake's
discovery, JWKS, /token and /userinfo over the wire. A refusal must be a 4xx/503 page in the portal's
look with a reference id that the admin finds on a LoginEvent with the failed check as its reason, no
Customer row, no session (no session cookie, no django_session row), and no token in the page, the
event or the log. Checks: OpenID Connect Core 3.1.3.7 (ID token) and 5.3.2 (userinfo).
"""

import time
from dataclasses import dataclass, field
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from fakes.oidc import DROP
from providers.models import Customer, LoginEvent
from tests.factories import IdentityProviderFactory, provider_at
from tests.helpers.signin import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp(tenant, oidc_provider):
    return gateway_provider_for(tenant, oidc_provider)


def gateway_provider_for(tenant, provider, **fields):
    return provider_at(provider, tenant=tenant, slug="hostile", name="Hostile IdP", **fields)


def customer_session_keys(client) -> list[str]:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value:
        return []
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie.value)
    return [key for key in store.load() if key.startswith("gw.customer.")]


def assert_no_session(client) -> None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    assert cookie is None or not cookie.value, "a refused sign-in set a session cookie"
    assert not Session.objects.exists(), "a refused sign-in wrote a django_session row"
    assert not Customer.objects.exists(), "a refused sign-in created a customer"


def assert_no_token_leaked(provider, *texts: str) -> None:
    secrets = [provider.client_secret]
    for answer in provider.token_answers:
        secrets += [answer["id_token"], answer["access_token"]]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def assert_refused(result, client, provider, caplog, *, status: int, reason: str) -> LoginEvent:
    response = result.response
    page = response.content.decode()
    assert response.status_code == status, page[:2000]
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason) == (LoginEvent.Outcome.FAILURE, reason), event.detail
    assert event.reference and event.reference in page
    assert "Traceback" not in page and 'class="card error"' in page
    assert_no_session(client)
    assert_no_token_leaked(provider, page, event.detail, caplog.text)
    return event


def assert_signed_in(result, client, tenant, provider) -> Customer:
    response = result.response
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/{tenant.slug}/"
    customer = Customer.objects.get()
    assert (customer.tenant, customer.subject) == (tenant, provider.user["sub"])
    assert customer_session_keys(client) == [f"gw.customer.{tenant.pk}"]
    assert LoginEvent.objects.get().outcome == LoginEvent.Outcome.SUCCESS
    account = client.get(f"/{tenant.slug}/account/")
    assert account.status_code == 200 and customer.email in account.content.decode()
    return customer


def now() -> int:
    return int(time.time())


@dataclass
class Refusal:
    name: str
    status: int
    reason: str
    id_token: dict = field(default_factory=dict)
    header: dict = field(default_factory=dict)
    userinfo: dict = field(default_factory=dict)
    user: dict = field(default_factory=dict)
    knobs: dict = field(default_factory=dict)

    def apply(self, provider) -> None:
        resolve = {key: value(provider) if callable(value) else value for key, value in self.id_token.items()}
        provider.id_token_claims.update(resolve)
        provider.id_token_header.update(self.header)
        provider.userinfo_claims.update(self.userinfo)
        for name, value in self.user.items():
            provider.user.pop(name, None) if value is DROP else provider.user.__setitem__(name, value)
        for name, value in self.knobs.items():
            setattr(provider, name, value)


REFUSALS = [
    Refusal("wrong issuer", 403, "iss_mismatch", id_token={"iss": "http://127.0.0.1:9/evil"}),
    Refusal("wrong audience", 403, "aud_mismatch", id_token={"aud": "someone-else"}),
    Refusal("missing audience", 403, "missing_aud", id_token={"aud": DROP}),
    Refusal("several audiences, no azp", 403, "azp_missing", id_token={"aud": lambda p: [p.client_id, "other"]}),
    Refusal("several audiences, azp of another client", 403, "azp_mismatch",
            id_token={"aud": lambda p: [p.client_id, "other"], "azp": "other"}),
    Refusal("missing iat", 403, "missing_iat", id_token={"iat": DROP}),
    Refusal("missing sub", 403, "missing_sub", id_token={"sub": DROP}),
    Refusal("empty sub", 403, "missing_sub", id_token={"sub": ""}, userinfo={"sub": ""}),
    Refusal("expired", 403, "expired", id_token={"exp": lambda p: now() - 3600}),
    Refusal("expired beyond the leeway", 403, "expired", id_token={"exp": lambda p: now() - 120}),
    Refusal("nbf in the future", 403, "not_yet_valid", id_token={"nbf": lambda p: now() + 3600}),
    Refusal("issued in the future", 403, "not_yet_valid", id_token={"iat": lambda p: now() + 3600}),
    Refusal("bad signature", 403, "bad_signature", knobs={"signing": "other_key"}),
    Refusal("alg none", 403, "alg_none", knobs={"signing": "none"}),
    Refusal("alg none, no kid", 403, "alg_none", header={"kid": DROP}, knobs={"signing": "none"}),
    Refusal("HS256 not allowed", 403, "alg_not_allowed", knobs={"signing": "hs256"}),
    Refusal("wrong nonce", 403, "nonce_mismatch", id_token={"nonce": "not-the-nonce-we-sent"}),
    Refusal("no nonce", 403, "nonce_missing", id_token={"nonce": DROP}),
    Refusal("unknown kid", 403, "kid_unknown", header={"kid": "not-a-published-kid"}),
    Refusal("userinfo sub mismatch", 403, "userinfo_sub_mismatch", userinfo={"sub": "someone-else"}),
    Refusal("userinfo without sub", 403, "userinfo_sub_mismatch", userinfo={"sub": DROP}),
    Refusal("signed userinfo, sub mismatch", 403, "userinfo_sub_mismatch", userinfo={"sub": "someone-else"},
            knobs={"userinfo_format": "jwt"}),
    Refusal("signed userinfo for another client", 403, "userinfo_aud_mismatch", userinfo={"aud": "other"},
            knobs={"userinfo_format": "jwt"}),
    Refusal("signed userinfo from another issuer", 403, "userinfo_iss_mismatch",
            userinfo={"iss": "http://127.0.0.1:9/evil"}, knobs={"userinfo_format": "jwt"}),
    Refusal("email_verified false", 403, "email_unverified", user={"email_verified": False}),
    Refusal("no email", 403, "email_missing", user={"email": DROP}),
    Refusal("token endpoint: invalid_grant", 400, "token_invalid_grant",
            knobs={"token_error": (400, {"error": "invalid_grant"})}),
    Refusal("token answer without id_token", 403, "id_token_missing",
            knobs={"token_error": (200, {"access_token": "at-1", "token_type": "Bearer"})}),
    Refusal("token answer not JSON", 503, "idp_bad_json", knobs={"token_error": (200, "<html>oops</html>")}),
    Refusal("userinfo larger than 1 MB", 503, "idp_response_too_large", userinfo={"x_huge": "x" * 1_100_000}),
    Refusal("token endpoint: 500", 503, "token_endpoint_error", knobs={"token_error": (500, "boom")}),
    Refusal("JWKS down", 503, "idp_http_error", knobs={"jwks_error": 503}),
    Refusal("userinfo down", 503, "userinfo_http_error", knobs={"userinfo_error": 500}),
    Refusal("customer refused at the provider", 403, "idp_access_denied", knobs={"authorize_error": "access_denied"}),
]  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS, ids=[case.name for case in REFUSALS])
def test_hostile_answers_are_refused_with_a_page_and_no_session(case, idp, oidc_provider, caplog):
    case.apply(oidc_provider)
    client = Client()
    result = sign_in(client, idp.login_path(), oidc_provider)
    assert_refused(result, client, oidc_provider, caplog, status=case.status, reason=case.reason)


def test_no_kid_with_two_published_keys_is_refused(idp, oidc_provider, caplog):
    oidc_provider.add_key("RS256")
    oidc_provider.id_token_header = {"kid": DROP}
    client = Client()
    result = sign_in(client, idp.login_path(), oidc_provider)
    assert_refused(result, client, oidc_provider, caplog, status=403, reason="kid_missing")


def test_token_endpoint_timeout_is_a_503_page(idp, oidc_provider, settings, caplog):
    settings.GATEWAY_HTTP_TIMEOUT = (2.0, 0.3)
    oidc_provider.token_delay = 1.5
    client = Client()
    result = sign_in(client, idp.login_path(), oidc_provider)
    assert_refused(result, client, oidc_provider, caplog, status=503, reason="idp_timeout")


@pytest.mark.parametrize(
    ("knobs", "reason"),
    [({"discovery_error": 503}, "idp_http_error"), ({"discovery_overrides": {"issuer": "http://127.0.0.1:9"}},
                                                     "discovery_issuer_mismatch")],
    ids=["discovery down", "discovery names another issuer"],
)  # fmt: skip
def test_a_broken_discovery_document_stops_the_start_with_a_page(idp, oidc_provider, knobs, reason):
    for name, value in knobs.items():
        setattr(oidc_provider, name, value)
    client = Client()
    response = client.get(idp.login_path())
    assert response.status_code == 503
    assert 'class="reference"' in response.content.decode() and "Traceback" not in response.content.decode()
    assert oidc_provider.count("authorize") == 0
    assert not LoginEvent.objects.exists()  # anonymous starts write nothing
    assert_no_session(client)


# ---------------------------------------------------------------- what must be accepted


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256"])
def test_an_honest_provider_signs_the_customer_in(tenant, oidc_provider_factory, alg):
    provider = oidc_provider_factory(alg=alg)
    idp = gateway_provider_for(tenant, provider)
    client = Client()
    result = sign_in(client, idp.login_path(), provider)
    customer = assert_signed_in(result, client, tenant, provider)
    assert (customer.email, customer.first_name, customer.last_name) == ("ada@example.com", "Ada", "Lovelace")
    params = result.authorize_params
    assert params["code_challenge_method"] == "S256" and params["state"] and params["nonce"]
    assert params["redirect_uri"] == f"http://testserver/{tenant.slug}/oidc/hostile/callback/"
    assert provider.token_auth_used == ["client_secret_basic"]


ACCEPTED = {
    "several audiences with our azp": {"id_token_claims": {"aud": None, "azp": None}},
    "no kid with one key": {"id_token_header": {"kid": DROP}},
    "expired within the leeway": {"id_token_claims": {"exp": -20}},
    "issued slightly in the future, within the leeway": {"id_token_claims": {"iat": 20}},
    "userinfo as a signed JWT": {"userinfo_format": "jwt"},
    "a 64 KB claim nobody maps": {"id_token_claims": {"x_blob": "x" * 65536}},
}


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_legitimate_variations_are_accepted(name, tenant, idp, oidc_provider):
    for knob, value in ACCEPTED[name].items():
        if knob == "id_token_claims":
            value = {claim: _resolve(claim, offset, oidc_provider) for claim, offset in value.items()}
        setattr(oidc_provider, knob, value)
    client = Client()
    assert_signed_in(sign_in(client, idp.login_path(), oidc_provider), client, tenant, oidc_provider)


def _resolve(claim, value, provider):
    if claim == "aud":
        return [provider.client_id, "another-audience"]
    if claim == "azp":
        return provider.client_id
    if claim in ("exp", "iat"):
        return now() + value
    return value


def test_hs256_is_accepted_only_when_the_provider_is_configured_for_it(tenant, oidc_provider):
    idp = gateway_provider_for(tenant, oidc_provider, allow_hs256=True)
    oidc_provider.signing = "hs256"
    client = Client()
    assert_signed_in(sign_in(client, idp.login_path(), oidc_provider), client, tenant, oidc_provider)


def test_email_verified_false_is_accepted_when_the_provider_allows_it(tenant, oidc_provider):
    idp = gateway_provider_for(tenant, oidc_provider, allow_unverified_email=True)
    oidc_provider.user["email_verified"] = False
    client = Client()
    assert_signed_in(sign_in(client, idp.login_path(), oidc_provider), client, tenant, oidc_provider)


def test_client_secret_post_is_used_when_configured(tenant, oidc_provider):
    idp = gateway_provider_for(tenant, oidc_provider, token_auth_method="client_secret_post")
    oidc_provider.client_auth_methods = {"client_secret_post"}
    client = Client()
    assert_signed_in(sign_in(client, idp.login_path(), oidc_provider), client, tenant, oidc_provider)
    assert oidc_provider.token_auth_used == ["client_secret_post"]


def test_non_ascii_names_are_kept_exactly(tenant, idp, oidc_provider):
    oidc_provider.user.update(given_name="Zoë", family_name="Ångström-Łukasiewicz", name="Zoë 李小龍 Ångström")
    client = Client()
    customer = assert_signed_in(sign_in(client, idp.login_path(), oidc_provider), client, tenant, oidc_provider)
    assert (customer.first_name, customer.last_name) == ("Zoë", "Ångström-Łukasiewicz")
    assert customer.display_name == "Zoë 李小龍 Ångström"
    assert "Zoë 李小龍 Ångström" in client.get(f"/{tenant.slug}/account/").content.decode()


def test_a_64_kb_name_is_no_500_and_fits_the_customer_record(tenant, idp, oidc_provider):
    oidc_provider.user.update(name="N" * 65536, given_name="G" * 65536)
    client = Client()
    customer = assert_signed_in(sign_in(client, idp.login_path(), oidc_provider), client, tenant, oidc_provider)
    customer.refresh_from_db()
    assert 0 < len(customer.display_name) <= 255 and 0 < len(customer.first_name) <= 150


def test_rotated_keys_between_two_logins_both_succeed(tenant, idp, oidc_provider):
    first = Client()
    assert_signed_in(sign_in(first, idp.login_path(), oidc_provider), first, tenant, oidc_provider)
    old_kid = oidc_provider.signing_key.kid
    assert oidc_provider.rotate_keys().kid != old_kid
    Customer.objects.all().delete()
    LoginEvent.objects.all().delete()
    second = Client()
    assert_signed_in(sign_in(second, idp.login_path(), oidc_provider), second, tenant, oidc_provider)
    assert oidc_provider.count("jwks") == 2  # the cached JWKS, then one refetch for the new kid


def test_discovery_and_jwks_are_fetched_once_for_two_logins(tenant, idp, oidc_provider):
    for _ in range(2):
        client = Client()
        assert sign_in(client, idp.login_path(), oidc_provider).response.status_code == 302
    assert Customer.objects.count() == 1 and LoginEvent.objects.count() == 2
    assert (oidc_provider.count("discovery"), oidc_provider.count("jwks"), oidc_provider.count("token")) == (1, 1, 2)


def test_a_replayed_callback_is_refused(tenant, idp, oidc_provider, caplog):
    client = Client()
    result = sign_in(client, idp.login_path(), oidc_provider)
    assert result.response.status_code == 302
    attacker = Client()
    replay = attacker.get(result.callback_url.removeprefix("http://testserver"))
    assert replay.status_code == 400 and "Traceback" not in replay.content.decode()
    assert Customer.objects.count() == 1 and oidc_provider.count("token") == 1
    assert not attacker.cookies.get(settings.SESSION_COOKIE_NAME)


def test_salesforce_signs_in_with_only_client_id_secret_and_domain(tenant, salesforce_provider):
    provider = salesforce_provider
    idp = IdentityProviderFactory(
        tenant=tenant, slug="salesforce", name="Salesforce", preset="salesforce", domain=provider.base_url,
        discovery_url="", client_id=provider.client_id, client_secret=provider.client_secret,
    )  # fmt: skip
    idp.full_clean()
    client = Client()
    result = sign_in(client, idp.login_path(), provider)
    assert result.authorize_url.startswith(provider.base_url + "/services/oauth2/authorize?")
    customer = assert_signed_in(result, client, tenant, provider)
    org, user = provider.user["organization_id"], provider.user["user_id"]
    assert customer.subject == f"{provider.base_url}/id/{org}/{user}"
    assert (customer.email, customer.first_name, customer.last_name, customer.display_name) == (
        "ada@acme.example", "Ada", "Lovelace", "Ada Lovelace",
    )  # fmt: skip
    assert provider.count("jwks") == 1 and provider.requests_to("jwks")[0].path == "/id/keys"
