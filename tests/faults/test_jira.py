"""Jira answering 500, 429 or nothing at all during a sync and during provisioning.

Each fault is injected in the fake JSM (fakes/jsm) on the real path the gateway calls. What must
hold: the call is retried with backoff (the fake's log shows the repeats; the client's waits are in
`jira_sleeps`, the worker's countdowns in `countdowns`), the outcome is visible in the admin (Sync runs,
Customers), and Jira never ends up with two customers for one email.
"""

import pytest
from django.urls import reverse

from providers.models import Customer
from tenants.models import ServiceDesk, SyncRun
from tests.factories import CustomerFactory, IdentityProviderFactory, ServiceDeskFactory
from tests.faults.services import wait_until
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

DESKS = "/rest/servicedeskapi/servicedesk"
SEARCH = "/rest/api/3/user/search"
CREATE = "/rest/servicedeskapi/customer"
# settings.GATEWAY_HTTP_TIMEOUT in these tests, (connect, read) seconds: short enough to wait out, long enough
# that a healthy answer on a busy CI machine never times out (a spurious timeout would be retried too).
TIMEOUT = (2.0, 1.0)
LATE = 2.5  # how long a "timeout" fault makes Jira wait before answering


def inject(fake, kind: str, path: str, *, times: int | None, method: str | None = None) -> None:
    """One of the faults Jira Cloud shows: rate limit with Retry-After, server errors, no answer in time."""
    if kind == "429":
        fake.fail(path, 429, times=times, retry_after=3, method=method)
    elif kind == "timeout":
        fake.slow(path, LATE, times=times, method=method)
    else:
        fake.fail(path, int(kind), times=times, method=method)


def backoff_window(attempt: int) -> tuple[float, float]:
    """Atlassian's recommended backoff as tenants/jira/transport.py applies it: 5 s doubling, cap 30 s, ×0.7–1.3."""
    base = min(30.0, 5.0 * 2**attempt)
    return base * 0.7, base * 1.3


@pytest.fixture(autouse=True)
def _short_timeouts(settings):
    settings.GATEWAY_HTTP_TIMEOUT = TIMEOUT


@pytest.fixture
def sync_now(operator_client, django_capture_on_commit_callbacks):
    """The admin's "Sync service desks now" action on a tenant (Celery eager in tests: it runs at once)."""

    def click(tenant):
        changelist = reverse("admin:tenants_tenant_changelist")
        with django_capture_on_commit_callbacks(execute=True):
            response = operator_client.post(changelist, {"action": "sync_now", "_selected_action": [tenant.pk]})
        assert response.status_code == 302
        return operator_client.get(reverse("admin:tenants_syncrun_changelist")).content.decode()

    return click


@pytest.mark.parametrize(
    "kind",
    [
        "429",
        "503",
        "500",
        "timeout",
    ],
)
def test_a_sync_rides_out_one_jira_hiccup_with_backoff(kind, tenant, jira, fake_jsm, sync_now, jira_sleeps):
    fake_jsm.state.add_service_desks(3)
    inject(fake_jsm, kind, DESKS, times=1)

    admin_page = sync_now(tenant)

    run = SyncRun.objects.get(tenant=tenant)
    assert (run.outcome, run.desks_seen, run.error) == ("success", 3, "")
    assert '<td class="field-outcome">Succeeded</td>' in admin_page
    # The failed page and its retry (a timed-out call is logged by the fake once its delay is over).
    wait_until(lambda: len(fake_jsm.calls("GET", DESKS)) == 2, what="two calls for the first page", seconds=10)
    assert len(jira_sleeps) == 1
    if kind == "429":
        assert jira_sleeps == [3.0]  # Retry-After honoured
    else:
        low, high = backoff_window(0)
        assert low <= jira_sleeps[0] <= high


@pytest.mark.parametrize(
    "kind, said", [("503", "HTTP 503"), ("500", "HTTP 500"), ("timeout", "did not answer in time")]
)
def test_a_sync_against_a_jira_that_stays_down_fails_visibly_and_keeps_the_last_good_list(
    kind, said, tenant, jira, fake_jsm, sync_now, jira_sleeps
):
    fake_jsm.state.add_service_desks(3)
    sync_now(tenant)
    jira_sleeps.clear()
    fake_jsm.reset_log()
    inject(fake_jsm, kind, DESKS, times=None)

    admin_page = sync_now(tenant)

    failed = SyncRun.objects.get(tenant=tenant, outcome=SyncRun.Outcome.FAILED)
    assert said in failed.error and '<td class="field-outcome">Failed</td>' in admin_page and said in admin_page
    assert ServiceDesk.objects.filter(tenant=tenant, is_active=True).count() == 3  # the last good list stays
    if kind == "503":  # the whole backoff ladder, then it gives up (GATEWAY_JIRA_MAX_RETRIES = 4)
        assert len(fake_jsm.calls("GET", DESKS)) == 5
        for attempt, waited in enumerate(jira_sleeps):
            low, high = backoff_window(attempt)
            assert low <= waited <= high, (attempt, jira_sleeps)
        assert len(jira_sleeps) == 4


@pytest.fixture
def desk(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desk(name="IT Help", key="IT", desk_id="5")
    return ServiceDeskFactory(tenant=tenant, jira_id="5", project_name="IT Help")


@pytest.fixture
def customer(tenant):
    provider = IdentityProviderFactory(tenant=tenant, slug="sso", name="Acme SSO")
    return CustomerFactory(provider=provider, email="ann@example.com", display_name="Ann Lee")


@pytest.fixture
def countdowns(monkeypatch, fake_jsm):
    """The worker's waits between provisioning attempts. Celery eager ignores countdowns, so they are recorded
    here, and Jira is healed while the worker "waits": its next attempt finds Jira back."""
    from portal import tasks

    asked: list[float] = []
    real = tasks.retry_countdown

    def recording(attempt, exc):
        asked.append(real(attempt, exc))
        fake_jsm.heal()
        return asked[-1]

    monkeypatch.setattr(tasks, "retry_countdown", recording)
    return asked


def customer_admin(operator_client, customer) -> str:
    return operator_client.get(reverse("admin:providers_customer_change", args=[customer.pk])).content.decode()


SAID = {"429": "rate-limiting", "503": "HTTP 503", "500": "HTTP 500", "timeout": "did not answer in time"}


@pytest.mark.parametrize("kind", ["429", "503", "500", "timeout"])
def test_provisioning_through_a_jira_fault_is_retried_with_backoff_and_never_duplicates(
    kind, customer, desk, fake_jsm, operator_client, django_capture_on_commit_callbacks, jira_sleeps, countdowns
):
    inject(fake_jsm, kind, SEARCH, times=None)  # down until the worker's first countdown
    with django_capture_on_commit_callbacks() as queued:
        page = signed_in(customer).get("/acme/portal/5/")
    assert page.status_code == 200 and "setting up your access to IT Help" in page.content.decode()
    customer.refresh_from_db()
    assert customer.provisioning == Customer.Provisioning.RETRYING and SAID[kind] in customer.provisioning_error
    assert SAID[kind] in customer_admin(operator_client, customer)
    assert len(queued) == 1

    queued[0]()  # what the worker runs: its first attempt fails, Jira is back for the second
    customer.refresh_from_db()
    assert (customer.provisioning, customer.provisioning_error) == (Customer.Provisioning.DONE, "")
    assert "Done" in customer_admin(operator_client, customer)
    # At the sign-in and at the worker's first attempt Jira failed; each try is in the fake's log (a timed-out
    # one once its delay is over), then one search that worked.
    searches = lambda: [call.status for call in fake_jsm.calls("GET", SEARCH)]  # noqa: E731
    wait_until(lambda: len(searches()) >= 3 and searches()[-1] == 200, what="the searches", seconds=10)
    if kind != "timeout":  # a timed-out search is answered 200 late, after the gateway stopped listening
        assert searches().count(200) == 1
    assert len(countdowns) == 1 and countdowns[0] >= 30 * 0.7  # GATEWAY_PROVISION_RETRY_START, jittered
    if kind == "429":
        assert jira_sleeps == [3.0, 3.0, 3.0]  # Retry-After honoured at the sign-in and by the worker
    assert [u["accountId"] for u in fake_jsm.state.users.values() if u["emailAddress"] == "ann@example.com"] == [
        customer.jira_account_id
    ]
    assert customer.jira_account_id in fake_jsm.state.desk_customers["5"]


def test_a_create_that_timed_out_but_happened_in_jira_is_found_not_created_twice(
    customer, desk, fake_jsm, django_capture_on_commit_callbacks
):
    fake_jsm.slow(CREATE, LATE, times=1, method="POST")  # Jira creates the customer, but after our timeout
    with django_capture_on_commit_callbacks() as queued:
        page = signed_in(customer).get("/acme/portal/5/")
    assert "setting up your access" in page.content.decode()
    # The worker's first retry comes ≥ 21 s later in production; by then Jira has finished the create.
    wait_until(lambda: fake_jsm.state.user_by_email("ann@example.com"), what="Jira's late create", seconds=10)

    queued[0]()
    customer.refresh_from_db()
    created = fake_jsm.state.user_by_email("ann@example.com")
    assert customer.provisioning == Customer.Provisioning.DONE and customer.jira_account_id == created["accountId"]
    assert len(fake_jsm.calls("POST", CREATE)) == 1  # the retry searched first and found it
    assert len([u for u in fake_jsm.state.users.values() if u["emailAddress"] == "ann@example.com"]) == 1
