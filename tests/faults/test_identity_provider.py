"""The identity provider down or slow at each step of a sign-in.

Steps: discovery (at the sign-in start, cold cache), the authorize redirect, and the callback's back-channel
calls (token, JWKS, userinfo). "Down" is a refused connection or an HTTP error; "slow" is a server that
accepts the connection and never answers (tests.faults.services.BlackHole). Every case must end on the
error page (503, what to do, a reference the admin finds in the sign-in log) within the configured
timeout: the request returns, so no gateway worker is held. The bound asserted is 10× the timeout, a
hang detector, not a speed target.
"""

import time

import pytest
from django.test import Client

from providers.models import Customer, LoginEvent
from tests.factories import provider_at
from tests.faults.services import closed_port_url
from tests.helpers.signin import finish_sign_in, start_sign_in

pytestmark = pytest.mark.django_db

READ_TIMEOUT = 1.0  # short to wait out, long enough that a healthy answer never times out on a busy machine
HANG_BOUND = 10 * (READ_TIMEOUT + READ_TIMEOUT)  # connect + read, ×10
WELL_KNOWN = "/.well-known/openid-configuration"


@pytest.fixture(autouse=True)
def _short_timeouts(settings):
    settings.GATEWAY_HTTP_TIMEOUT = (READ_TIMEOUT, READ_TIMEOUT)


@pytest.fixture
def idp(tenant, oidc_provider):
    return provider_at(oidc_provider, tenant=tenant)


def timed(request):
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def assert_clear_page(response, seconds: float, *, title: str) -> None:
    page = response.content.decode()
    assert response.status_code == 503, page[:300]
    assert title in page and "reference" in page
    assert seconds < HANG_BOUND, f"the request took {seconds:.1f} s: something hung"


# --- Discovery, at the sign-in start (nothing cached yet).
def discovery_refused(idp, fake, hole):
    idp.discovery_url = closed_port_url() + WELL_KNOWN
    idp.save()


def discovery_http_503(idp, fake, hole):
    fake.discovery_error = 503


def discovery_hangs(idp, fake, hole):
    idp.discovery_url = hole.url + WELL_KNOWN
    idp.save()


@pytest.mark.parametrize(
    "fault, title",
    [
        (discovery_refused, "is not answering"),
        (discovery_http_503, "sent an answer we cannot use"),
        (discovery_hangs, "is not answering"),
    ],
)
def test_discovery_down_or_slow_at_the_start_is_a_clear_page_in_time(fault, title, idp, oidc_provider, black_hole):
    fault(idp, oidc_provider, black_hole)
    response, seconds = timed(lambda: Client().get(f"{idp.login_path()}?next=/acme/account/"))
    assert_clear_page(response, seconds, title=title)
    assert not LoginEvent.objects.exists()  # anonymous traffic writes nothing, even when it fails


def test_the_authorize_redirect_needs_no_provider_call_once_discovery_is_cached(idp, oidc_provider):
    Client().get(idp.login_path())  # a first visitor warms the cache
    oidc_provider.stop()  # the provider is gone entirely
    response, seconds = timed(lambda: Client().get(idp.login_path()))
    assert response.status_code == 302 and response["Location"].startswith(oidc_provider.url("authorize"))
    assert seconds < HANG_BOUND


# --- The callback's back channel: token, JWKS, userinfo.
def token_http_500(fake, hole):
    fake.token_error = (500, "boom")


def token_hangs(fake, hole):
    fake.token_delay = 3 * READ_TIMEOUT


def jwks_http_503(fake, hole):
    fake.jwks_error = 503


def userinfo_http_500(fake, hole):
    fake.userinfo_error = 500


# Faults that must be in the discovery document before the start caches it. (Stopping the fake would not
# refuse the token call: the gateway's pooled keep-alive connection outlives the listener.)
def token_refused(fake, hole):
    fake.discovery_overrides = {"token_endpoint": closed_port_url() + "/token"}


def jwks_hangs(fake, hole):
    fake.discovery_overrides = {"jwks_uri": hole.url + "/jwks"}


def jwks_refused(fake, hole):
    fake.discovery_overrides = {"jwks_uri": closed_port_url() + "/jwks"}


def userinfo_hangs(fake, hole):
    fake.discovery_overrides = {"userinfo_endpoint": hole.url + "/userinfo"}


def userinfo_refused(fake, hole):
    fake.discovery_overrides = {"userinfo_endpoint": closed_port_url() + "/userinfo"}


UNREACHABLE, BAD_ANSWER = "is not answering", "sent an answer we cannot use"


@pytest.mark.parametrize(
    "before_start, before_callback, title, reason",
    [
        (token_refused, None, UNREACHABLE, "idp_unreachable"),
        (None, token_http_500, BAD_ANSWER, "token_endpoint_error"),
        (None, token_hangs, UNREACHABLE, "idp_timeout"),
        (None, jwks_http_503, BAD_ANSWER, "idp_http_error"),
        (jwks_hangs, None, UNREACHABLE, "idp_timeout"),
        (jwks_refused, None, UNREACHABLE, "idp_unreachable"),
        (None, userinfo_http_500, BAD_ANSWER, "userinfo_http_error"),
        (userinfo_hangs, None, UNREACHABLE, "idp_timeout"),
        (userinfo_refused, None, UNREACHABLE, "idp_unreachable"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_provider_down_or_slow_at_the_callback_is_a_clear_page_in_time_and_logged(
    before_start, before_callback, title, reason, idp, oidc_provider, black_hole
):
    if before_start:
        before_start(oidc_provider, black_hole)
    client = Client()
    _, _, callback_url = start_sign_in(client, f"{idp.login_path()}?next=/acme/account/", oidc_provider)
    if before_callback:
        before_callback(oidc_provider, black_hole)

    response, seconds = timed(lambda: finish_sign_in(client, callback_url))

    assert_clear_page(response, seconds, title=title)
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason) == ("failure", reason)
    assert event.reference in response.content.decode()  # what the customer quotes is what the admin finds
    assert not Customer.objects.exists() and "sessionid" not in response.cookies


def test_a_sign_in_works_again_as_soon_as_the_provider_answers(idp, oidc_provider, black_hole):
    oidc_provider.token_delay = 3 * READ_TIMEOUT
    client = Client()
    _, _, callback_url = start_sign_in(client, idp.login_path(), oidc_provider)
    assert finish_sign_in(client, callback_url).status_code == 503

    oidc_provider.token_delay = 0
    _, _, callback_url = start_sign_in(client, f"{idp.login_path()}?next=/acme/account/", oidc_provider)
    response = finish_sign_in(client, callback_url)
    assert response.status_code == 302 and response["Location"] == "/acme/account/"
    assert Customer.objects.count() == 1
