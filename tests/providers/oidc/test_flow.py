"""The sign-in flow against the fake OpenID Provider: what a customer and an admin would notice."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from fakes.oidc import DROP
from providers.models import Customer, LoginEvent
from providers.oidc.transaction import PREFIX
from tests.factories import provider_at
from tests.helpers.signin import finish_sign_in, sign_in, start_sign_in

pytestmark = pytest.mark.django_db


def customer_key(client, tenant):
    return client.session.get(f"gw.customer.{tenant.pk}")


def test_a_customer_signs_in_and_lands_on_next_with_a_session_and_a_login_event(idp, tenant, oidc_provider):
    client = Client(HTTP_USER_AGENT="Browser/1.0")
    result = sign_in(client, f"{idp.login_path()}?next=/acme/account/", oidc_provider)

    assert result.response.status_code == 302
    assert result.response["Location"] == "/acme/account/"
    customer = Customer.objects.get()
    assert (customer.tenant, customer.provider, customer.subject) == (tenant, idp, oidc_provider.user["sub"])
    assert (customer.email, customer.first_name, customer.last_name) == ("ada@example.com", "Ada", "Lovelace")
    assert customer_key(client, tenant)["id"] == customer.pk
    event = LoginEvent.objects.get()
    assert (event.outcome, event.customer, event.ip, event.user_agent) == (
        "success",
        customer,
        "127.0.0.1",
        "Browser/1.0",
    )
    page = client.get("/acme/account/")
    assert page.status_code == 200 and b"ada@example.com" in page.content


def test_the_authorization_request_uses_pkce_state_nonce_and_the_exact_callback_url(idp, oidc_provider, settings):
    settings.GATEWAY_BASE_URL = "http://testserver"
    result = sign_in(Client(), idp.login_path(), oidc_provider)
    params = result.authorize_params
    assert params["redirect_uri"] == "http://testserver/acme/oidc/fake/callback/"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["response_type"] == "code" and params["scope"] == "openid email profile"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert oidc_provider.token_auth_used == ["client_secret_basic"]
    token_form = oidc_provider.requests_to("token")[0].form
    assert token_form["redirect_uri"] == params["redirect_uri"] and "client_secret" not in token_form


def test_client_secret_post_is_used_when_configured(idp, oidc_provider):
    idp.token_auth_method = "client_secret_post"
    idp.save()
    oidc_provider.client_auth_methods = {"client_secret_post"}
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302
    assert oidc_provider.token_auth_used == ["client_secret_post"]


def test_starting_a_sign_in_writes_no_row_and_no_session_but_a_locked_down_cookie(idp, oidc_provider, settings):
    client = Client()
    before = LoginEvent.objects.count(), Customer.objects.count(), Session.objects.count()
    response = client.get(idp.login_path())
    assert response.status_code == 302
    assert (LoginEvent.objects.count(), Customer.objects.count(), Session.objects.count()) == before
    assert "sessionid" not in response.cookies
    [name] = [name for name in response.cookies if name.startswith(PREFIX)]
    morsel = response.cookies[name]
    assert morsel["path"] == "/acme/" and morsel["httponly"] and morsel["samesite"] == "Lax"
    assert not morsel["secure"]
    assert oidc_provider.user["email"] not in morsel.value and "nonce" not in morsel.value
    settings.GATEWAY_BASE_URL = "https://sso.example.com"
    secure = client.get(idp.login_path())
    assert [secure.cookies[n]["secure"] for n in secure.cookies if n.startswith(PREFIX)] == [True]


def test_discovery_and_keys_are_fetched_once_for_several_sign_ins(idp, oidc_provider):
    for _ in range(3):
        assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302
    assert oidc_provider.count("discovery") == 1
    assert oidc_provider.count("jwks") == 1


def test_a_rotated_key_is_fetched_once_and_the_sign_in_completes(idp, oidc_provider):
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302
    oidc_provider.rotate_keys()
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302
    assert oidc_provider.count("jwks") == 2


def test_the_callback_cookie_is_used_up_and_a_replay_is_refused_without_a_row(idp, oidc_provider):
    client = Client()
    result = sign_in(client, idp.login_path(), oidc_provider)
    deleted = [m for n, m in result.response.cookies.items() if n.startswith(PREFIX)]
    assert deleted and deleted[0]["max-age"] == 0
    events = LoginEvent.objects.count()
    replay = Client().get(result.callback_url.replace("http://testserver", ""))
    assert replay.status_code == 400
    assert b"expired or was interrupted" in replay.content and b'class="reference"' in replay.content
    assert LoginEvent.objects.count() == events


def test_a_tampered_cookie_is_refused(idp, oidc_provider):
    client = Client()
    _, _, callback = start_sign_in(client, idp.login_path(), oidc_provider)
    name = next(n for n in client.cookies if n.startswith(PREFIX))
    value = client.cookies[name].value
    client.cookies[name] = value[:-6] + ("AAAAAA" if not value.endswith("AAAAAA") else "BBBBBB")
    response = finish_sign_in(client, callback)
    assert response.status_code == 400 and not Customer.objects.exists()
    assert customer_key(client, idp.tenant) is None


def test_made_up_error_codes_become_one_reason_and_one_metric_label(idp, oidc_provider):
    """Whoever completes a sign-in can send any `error`: only the specs' codes become reasons and labels."""
    before = _signin_reasons()
    for made_up in ("x_1", "drop_table", "a" * 40, "access_denied_but_not"):
        oidc_provider.authorize_error = made_up
        assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 403
    assert set(LoginEvent.objects.values_list("reason", flat=True)) == {"idp_other"}
    assert _signin_reasons() - before <= {"idp_other"} and "idp_other" in _signin_reasons()


def _signin_reasons() -> set[str]:
    from sso_gateway.metrics import SIGNINS

    return {s.labels["reason"] for metric in SIGNINS.collect() for s in metric.samples if s.name.endswith("_total")}


def test_the_person_refusing_at_the_provider_gets_a_403_and_a_logged_attempt(idp, oidc_provider):
    oidc_provider.authorize_error = "access_denied"
    result = sign_in(Client(), idp.login_path(), oidc_provider)
    assert result.response.status_code == 403
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason) == ("failure", "idp_access_denied")
    assert event.reference.encode() in result.response.content


def test_a_refused_code_shows_a_400_with_the_reason_logged(idp, oidc_provider):
    oidc_provider.token_error = (400, {"error": "invalid_grant", "error_description": "<script>x</script>"})
    result = sign_in(Client(), idp.login_path(), oidc_provider)
    assert result.response.status_code == 400 and b"<script>" not in result.response.content
    assert LoginEvent.objects.get().reason == "token_invalid_grant"


@pytest.mark.parametrize(
    "knob, value, status, reason",
    [
        ("token_error", (500, "boom"), 503, "token_endpoint_error"),
        ("userinfo_error", 500, 503, "userinfo_http_error"),
        ("jwks_error", 503, 503, "idp_http_error"),
    ],
)
def test_a_provider_partly_down_gives_a_503_page_not_a_500(idp, oidc_provider, knob, value, status, reason):
    setattr(oidc_provider, knob, value)
    result = sign_in(Client(), idp.login_path(), oidc_provider)
    assert result.response.status_code == status
    assert LoginEvent.objects.get().reason == reason


def test_a_slow_token_endpoint_times_out_into_a_503(idp, oidc_provider, settings):
    settings.GATEWAY_HTTP_TIMEOUT = (1.0, 0.3)
    oidc_provider.token_delay = 1.5
    result = sign_in(Client(), idp.login_path(), oidc_provider)
    assert result.response.status_code == 503
    assert LoginEvent.objects.get().reason == "idp_timeout"


def test_a_provider_that_is_down_at_start_gives_a_503_and_writes_nothing(idp, oidc_provider):
    oidc_provider.stop()
    response = Client().get(idp.login_path())
    assert response.status_code == 503
    assert b"not answering" in response.content and b'class="reference"' in response.content
    assert not LoginEvent.objects.exists()


def test_a_discovery_document_for_another_issuer_is_refused(idp, oidc_provider):
    oidc_provider.discovery_overrides = {"issuer": "http://127.0.0.1:1/other"}
    assert Client().get(idp.login_path()).status_code == 503


def test_a_missing_email_claim_is_refused_with_what_to_do(idp, oidc_provider):
    oidc_provider.user.pop("email")
    result = sign_in(Client(), idp.login_path(), oidc_provider)
    assert result.response.status_code == 403
    assert b"did not share your email address" in result.response.content
    assert LoginEvent.objects.get().reason == "email_missing" and not Customer.objects.exists()


def test_unverified_email_is_refused_unless_the_provider_allows_it(idp, oidc_provider):
    oidc_provider.user["email_verified"] = False
    refused = sign_in(Client(), idp.login_path(), oidc_provider)
    assert refused.response.status_code == 403 and b"not verified" in refused.response.content
    idp.allow_unverified_email = True
    idp.save()
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302


def test_signed_userinfo_is_accepted_and_checked(idp, oidc_provider):
    oidc_provider.userinfo_format = "jwt"
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302
    oidc_provider.userinfo_claims = {"sub": "someone-else"}
    result = sign_in(Client(), idp.login_path(), oidc_provider)
    assert result.response.status_code == 403
    assert LoginEvent.objects.filter(outcome="failure").get().reason == "userinfo_sub_mismatch"


def test_several_audiences_need_our_azp(idp, oidc_provider):
    oidc_provider.id_token_claims = {"aud": [oidc_provider.client_id, "other"], "azp": oidc_provider.client_id}
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302
    oidc_provider.id_token_claims = {"aud": [oidc_provider.client_id, "other"], "azp": DROP}
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 403
    oidc_provider.id_token_claims = {"aud": [oidc_provider.client_id, "other"], "azp": "other"}
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 403
    assert list(LoginEvent.objects.filter(outcome="failure").values_list("reason", flat=True).order_by("id")) == [
        "azp_missing",
        "azp_mismatch",
    ]


def test_hs256_only_when_the_provider_is_set_for_it(idp, oidc_provider):
    oidc_provider.signing = "hs256"
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 403
    assert LoginEvent.objects.get().reason == "alg_not_allowed"
    idp.allow_hs256 = True
    idp.save()
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302


def test_the_same_subject_and_email_at_two_providers_are_two_customers(
    idp, tenant, oidc_provider, oidc_provider_factory
):
    second = oidc_provider_factory()
    other = provider_at(second, tenant=tenant, slug="second")
    for fake in (oidc_provider, second):
        fake.user.update(sub="same-sub", email="ada@example.com")
    assert sign_in(Client(), idp.login_path(), oidc_provider).response.status_code == 302
    assert sign_in(Client(), other.login_path(), second).response.status_code == 302
    customers = Customer.objects.filter(tenant=tenant, subject="same-sub", email="ada@example.com")
    assert {customer.provider for customer in customers} == {idp, other}


def test_a_disabled_provider_or_inactive_tenant_gives_a_clear_404(idp, tenant):
    idp.is_enabled = False
    idp.save()
    response = Client().get(idp.login_path())
    assert response.status_code == 404 and b"not available" in response.content
    tenant.is_active = False
    tenant.save()
    response = Client().get("/acme/login/")
    assert response.status_code == 404 and b"help center is not available" in response.content


def test_no_code_token_or_secret_reaches_a_page_the_log_or_the_sign_in_log(idp, oidc_provider, caplog):
    caplog.set_level("DEBUG")
    ok = sign_in(Client(), f"{idp.login_path()}?next=/acme/account/", oidc_provider)
    oidc_provider.id_token_claims = {"aud": "someone-else"}
    refused = sign_in(Client(), idp.login_path(), oidc_provider)
    assert refused.response.status_code == 403
    access_token = oidc_provider.requests_to("userinfo")[0].headers["authorization"].split()[1]
    secrets = [oidc_provider.client_secret, access_token]
    secrets += [parse_qs(urlsplit(result.callback_url).query)["code"][0] for result in (ok, refused)]
    stored = " ".join(f"{event.reason} {event.detail}" for event in LoginEvent.objects.all())
    for text in [caplog.text, refused.response.content.decode(), stored]:
        assert "eyJ" not in text
        for secret in secrets:
            assert secret not in text


def test_a_callback_naming_another_issuer_is_refused(idp, oidc_provider):
    """RFC 9207 (mix-up attacks): the `iss` response parameter, when sent, must be our provider's issuer."""
    client = Client()
    _, _, callback = start_sign_in(client, idp.login_path(), oidc_provider)
    response = finish_sign_in(client, f"{callback}&iss=http%3A%2F%2Fevil.example")
    assert response.status_code == 403 and LoginEvent.objects.get().reason == "iss_param_mismatch"


def test_an_undecryptable_client_secret_is_a_503_page_not_a_500(idp, settings):
    from cryptography.fernet import Fernet

    settings.GATEWAY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    response = Client().get(idp.login_path())
    assert response.status_code == 503 and b'class="reference"' in response.content
