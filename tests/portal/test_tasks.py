"""The provisioning worker's backoff, attempt by attempt (portal/tasks.py).

Atlassian's rate-limiting guidance for Jira Cloud: back off exponentially with jitter, and never come back
sooner than `Retry-After` (RFC 9110 10.2.3). The worker waits GATEWAY_PROVISION_RETRY_START seconds after
its first failed attempt, twice that after the second, and so on up to GATEWAY_PROVISION_RETRY_CAP, each
wait jittered ×0.7–1.3. These tests see several failures in a row, so a backoff that never doubles, never
stops doubling, starts one step late or ignores Jira's hint cannot pass.
"""

import pytest

from portal import tasks
from providers.models import Customer
from sso_gateway import outgoing_http
from sso_gateway.celery import app as celery_app
from tenants.jira import errors
from tests.factories import CustomerFactory, IdentityProviderFactory

SEARCH = "/rest/api/3/user/search"


@pytest.fixture(autouse=True)
def _backoff_settings(settings):
    settings.GATEWAY_PROVISION_RETRY_START = 30
    settings.GATEWAY_PROVISION_RETRY_CAP = 1800
    settings.GATEWAY_PROVISION_MAX_ATTEMPTS = 10


@pytest.fixture
def jitter(monkeypatch):
    """`random.uniform` as the backoff calls it: each call's bounds recorded, the factor chosen by the test."""
    calls: list[tuple[float, float]] = []

    def choose(pick):
        def uniform(low, high):
            calls.append((low, high))
            return pick(low, high)

        monkeypatch.setattr(outgoing_http.random, "uniform", uniform)
        return calls

    return choose


def unavailable() -> errors.JiraUnavailable:
    return errors.JiraUnavailable("Jira answered HTTP 503.", status=503)


def rate_limited(seconds: float | None) -> errors.JiraRateLimited:
    return errors.JiraRateLimited("Jira is rate-limiting the gateway.", retry_after=seconds)


# -- retry_countdown, as a function of the attempt that failed
def test_the_countdown_starts_at_retry_start_and_doubles_up_to_the_cap(jitter):
    calls = jitter(lambda low, high: 1.0)
    waits = [tasks.retry_countdown(attempt, unavailable()) for attempt in range(1, 11)]
    assert waits == [30, 60, 120, 240, 480, 960, 1800, 1800, 1800, 1800]
    assert set(calls) == {(0.7, 1.3)}  # every wait is jittered, within ×0.7–1.3


def test_the_countdown_follows_the_settings(jitter, settings):
    jitter(lambda low, high: 1.0)
    settings.GATEWAY_PROVISION_RETRY_START, settings.GATEWAY_PROVISION_RETRY_CAP = 5, 25
    assert [tasks.retry_countdown(attempt, unavailable()) for attempt in range(1, 6)] == [5, 10, 20, 25, 25]


def test_the_jitter_stays_within_seventy_and_one_hundred_thirty_percent(jitter):
    jitter(lambda low, high: low)
    assert [tasks.retry_countdown(attempt, unavailable()) for attempt in (1, 2, 8)] == [21, 42, 1260]
    jitter(lambda low, high: high)
    assert [tasks.retry_countdown(attempt, unavailable()) for attempt in (1, 2, 8)] == [39, 78, 2340]


def test_the_real_jitter_spreads_the_waits_inside_the_bounds():
    waits = [tasks.retry_countdown(2, unavailable()) for _ in range(300)]
    assert all(42 <= wait <= 78 for wait in waits)
    assert max(waits) - min(waits) > 10  # jittered: many workers do not come back in the same second


def test_the_countdown_is_never_sooner_than_retry_after(jitter):
    jitter(lambda low, high: high)
    assert tasks.retry_countdown(1, rate_limited(600)) == 600  # Jira's hint is longer than the backoff
    assert tasks.retry_countdown(8, rate_limited(3600)) == 3600  # longer than the cap, too
    assert tasks.retry_countdown(3, rate_limited(10)) == 156  # the backoff is longer than the hint
    assert tasks.retry_countdown(1, rate_limited(None)) == 39  # 429 without a hint: the backoff


# -- the task, through several consecutive failures
@pytest.fixture
def customer(tenant):
    provider = IdentityProviderFactory(tenant=tenant, slug="sso", name="Acme SSO")
    return CustomerFactory(provider=provider, email="ann@example.com", display_name="Ann Lee")


@pytest.fixture
def countdowns(monkeypatch):
    """The countdown of each `self.retry(...)` the task asks for. Eager Celery runs the retry at once (it
    ignores the countdown), with `request.retries` one higher, as a worker would after the wait."""
    task = celery_app.tasks["portal.tasks.customer_provision_retry"]
    asked: list[float] = []
    real = task.retry

    def retry(*args, countdown=None, **kwargs):
        asked.append(countdown)
        return real(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(task, "retry", retry)
    return asked


def run_worker(customer, desk):
    return tasks.customer_provision_retry.apply(args=(customer.pk, desk.pk))


def test_the_task_doubles_its_countdown_after_each_failure_until_the_cap_then_gives_up(
    customer, desk, fake_jsm, jira_sleeps, countdowns, jitter, settings
):
    jitter(lambda low, high: 1.0)
    settings.GATEWAY_PROVISION_MAX_ATTEMPTS = 9
    fake_jsm.fail(SEARCH, 503)  # Jira stays down
    assert run_worker(customer, desk).get() == "gave up"
    assert countdowns == [30, 60, 120, 240, 480, 960, 1800, 1800]  # one wait between each of the 9 attempts
    customer.refresh_from_db()
    assert customer.provisioning == Customer.Provisioning.FAILED
    assert customer.provisioning_error.startswith("Gave up after 9 attempts")


def test_the_task_waits_at_least_what_jira_asks_at_each_attempt(
    customer, desk, fake_jsm, jira_sleeps, countdowns, jitter, settings
):
    jitter(lambda low, high: 1.0)
    settings.GATEWAY_PROVISION_MAX_ATTEMPTS = 7
    fake_jsm.fail(SEARCH, 429, retry_after=300)  # longer than the client waits within a call
    assert run_worker(customer, desk).get() == "gave up"
    assert countdowns == [300, 300, 300, 300, 480, 960]
    assert jira_sleeps == []  # the worker waits between attempts; no call sat in a 300 s sleep


def test_the_task_stops_retrying_once_jira_answers(customer, desk, fake_jsm, jira_sleeps, countdowns, jitter):
    jitter(lambda low, high: 1.0)
    fake_jsm.fail(SEARCH, 503, times=9)  # three attempts of three calls each (the call's own two retries)
    assert run_worker(customer, desk).get() == "done"
    assert countdowns == [30, 60, 120]
    customer.refresh_from_db()
    assert (customer.provisioning, customer.provisioning_error) == (Customer.Provisioning.DONE, "")
