"""Sign-in starts and callbacks are rate-limited per client IP and per tenant.

The limits count in fixed windows (a minute for `n/m`). Every test here runs on the limiter's own clock,
stopped at the start of a minute, so a run that crosses a minute boundary cannot start counting afresh
halfway through a test; the tests that are about windows move that clock themselves.
"""

import time

import pytest

from providers.oidc import limits
from providers.oidc.limits import Rate, rates_check
from tests.helpers.signin import sign_in

pytestmark = pytest.mark.django_db


class StoppedClock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> StoppedClock:
    """`limits.clock`, stopped at the start of the current minute (near real time, so the counters' keys and
    expiries look like production's) until a test moves it."""
    stopped = StoppedClock(time.time() // 60 * 60)
    monkeypatch.setattr(limits, "clock", stopped)
    return stopped


def test_starts_over_the_per_ip_rate_get_a_429_page_and_others_still_get_through(client, idp, settings):
    settings.GATEWAY_RATE_SIGNIN_PER_IP = "3/m"
    start = idp.login_path()
    assert [client.get(start).status_code for _ in range(3)] == [302, 302, 302]
    refused = client.get(start)
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert client.get(start, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_per_tenant_rate_holds_whatever_the_ip(client, idp, settings):
    settings.GATEWAY_RATE_SIGNIN_PER_TENANT = "2/m"
    start = idp.login_path()
    statuses = [client.get(start, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(1, 4)]
    assert statuses == [302, 302, 429]


def test_callbacks_are_limited_too_and_a_normal_sign_in_is_not(client, idp, oidc_provider, settings):
    settings.GATEWAY_RATE_SIGNIN_PER_IP = "2/m"
    assert sign_in(client, idp.login_path(), oidc_provider).response.status_code == 302
    # The start and the callback are counted apart: a full sign-in used one of each.
    assert client.get(f"{idp.callback_path()}?state=x&code=y").status_code == 400
    assert client.get(f"{idp.callback_path()}?state=x&code=y").status_code == 429


def test_an_empty_rate_switches_the_limit_off(client, idp, settings):
    settings.GATEWAY_RATE_SIGNIN_PER_IP = ""
    settings.GATEWAY_RATE_SIGNIN_PER_TENANT = ""
    assert {client.get(idp.login_path()).status_code for _ in range(70)} == {302}


@pytest.mark.parametrize(
    "value, count, seconds", [("60/m", 60, 60), ("1000/h", 1000, 3600), ("10/5m", 10, 300), ("5/s", 5, 1)]
)
def test_rates_are_read_like_django_ratelimits(value, count, seconds):
    assert Rate.parse(value) == Rate(count, seconds)


@pytest.mark.parametrize("value", ["60", "60/minute", "0/m", "-1/m", "ten/m", "60/m/h"])
def test_a_rate_that_cannot_be_read_is_named_by_manage_py_check(settings, value):
    settings.GATEWAY_RATE_SIGNIN_PER_TENANT = value
    errors = rates_check()
    assert [error.id for error in errors] == ["gateway.E101"]
    assert "GATEWAY_RATE_SIGNIN_PER_TENANT" in errors[0].msg and value in errors[0].msg


def test_the_window_ends_and_counting_starts_again(client, idp, settings, clock):
    settings.GATEWAY_RATE_SIGNIN_PER_IP = "2/m"
    assert [client.get(idp.login_path()).status_code for _ in range(3)] == [302, 302, 429]
    clock.advance(60)
    assert client.get(idp.login_path()).status_code == 302


def test_a_window_holds_from_its_first_second_to_its_last(client, idp, settings, clock):
    settings.GATEWAY_RATE_SIGNIN_PER_IP = "2/m"
    assert client.get(idp.login_path()).status_code == 302
    clock.advance(59.9)  # the same minute, however long the test took by the wall clock
    assert [client.get(idp.login_path()).status_code for _ in range(2)] == [302, 429]
    clock.advance(0.1)
    assert client.get(idp.login_path()).status_code == 302


def test_the_limiter_reads_the_time_only_through_its_clock(client, idp, settings, monkeypatch):
    """What keeps the tests above from flaking: the wall clock moving on (here, a whole minute between two
    requests) changes nothing while `limits.clock` stands still."""
    settings.GATEWAY_RATE_SIGNIN_PER_IP = "1/m"
    assert client.get(idp.login_path()).status_code == 302
    wall = time.time() + 60
    monkeypatch.setattr(limits, "time", type("WallClock", (), {"time": staticmethod(lambda: wall)}))
    assert client.get(idp.login_path()).status_code == 429
