"""A customer create whose outcome the gateway never learnt is not posted to Jira a second time.

POST /rest/servicedeskapi/customer is not idempotent (RFC 9110 9.2.2). When it times out, loses its
answer or gets a 5xx, Jira may have made the account anyway, and Jira's user search may list it only a
little later. What must hold: exactly one create reaches Jira across the attempt whose answer was lost and
the retries after it (the customer reloading the page, the worker's attempts), and the customer ends up
bound to the account Jira made.
"""

import pytest
from celery.exceptions import Retry

from portal import tasks
from providers.models import Customer
from sso_gateway.celery import app as celery_app
from tests.factories import CustomerFactory, IdentityProviderFactory
from tests.faults.services import wait_until
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

CREATE = "/rest/servicedeskapi/customer"
TIMEOUT = (2.0, 1.0)  # settings.GATEWAY_HTTP_TIMEOUT here: (connect, read) seconds
LATE = 2.5  # how long Jira takes over a create that "times out"


@pytest.fixture(autouse=True)
def _short_timeouts(settings):
    settings.GATEWAY_HTTP_TIMEOUT = TIMEOUT


@pytest.fixture
def customer(tenant):
    provider = IdentityProviderFactory(tenant=tenant, slug="sso", name="Acme SSO")
    return CustomerFactory(provider=provider, email="ann@example.com", display_name="Ann Lee")


@pytest.fixture
def worker_attempt(monkeypatch, desk):
    """One attempt of the worker's task, as a worker runs it; a retry it asks for is scheduled, not run at once
    (eager Celery would run it immediately, before Jira had any time)."""
    task = celery_app.tasks["portal.tasks.customer_provision_retry"]
    monkeypatch.setattr(task, "retry", lambda countdown=None, exc=None, **kw: Retry(exc=exc, when=countdown))

    def run(customer, *, retries: int = 0):
        tasks.customer_provision_retry.apply(args=(customer.pk, desk.pk), retries=retries)
        customer.refresh_from_db()
        return customer

    return run


def accounts(fake, email: str) -> list[dict]:
    return [u for u in fake.state.users.values() if u["emailAddress"] == email]


def jira_acts_then(fake, *, status: int | None = None, delay: float = 0.0) -> None:
    """The next create is carried out by Jira, whose answer is then an error (`status`) or late (`delay`)."""

    def create(state, exchange):
        state.add_user(email=exchange.body["email"], display_name=exchange.body["displayName"])

    fault = fake.before(CREATE, create, method="POST")
    fault.status, fault.delay = status, delay


def test_a_timed_out_create_is_not_posted_again_by_retries_that_come_before_jira_lists_the_account(
    customer, desk, fake_jsm, worker_attempt
):
    fake_jsm.slow(CREATE, LATE, times=1, method="POST")  # Jira makes the account, but after our read timeout
    first = signed_in(customer).get("/acme/portal/5/")
    assert "setting up your access" in first.content.decode()

    again = signed_in(customer).get("/acme/portal/5/")  # the customer reloads at once: Jira is still at it
    assert "setting up your access" in again.content.decode()
    assert worker_attempt(customer, retries=1).provisioning == Customer.Provisioning.RETRYING  # nor the worker
    wait_until(lambda: fake_jsm.calls("POST", CREATE), what="Jira's late answer to the first create", seconds=10)

    assert worker_attempt(customer, retries=2).provisioning == Customer.Provisioning.DONE
    assert len(fake_jsm.calls("POST", CREATE)) == 1
    assert [u["accountId"] for u in accounts(fake_jsm, "ann@example.com")] == [customer.jira_account_id]
    assert customer.jira_account_id in fake_jsm.state.desk_customers["5"]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_create_jira_carried_out_but_answered_with_a_server_error_is_found_not_posted_again(
    status, customer, desk, fake_jsm
):
    jira_acts_then(fake_jsm, status=status)
    page = signed_in(customer).get("/acme/portal/5/")
    assert page.status_code == 200 and "setting up your access" not in page.content.decode()
    customer.refresh_from_db()
    assert customer.provisioning == Customer.Provisioning.DONE
    assert [c.status for c in fake_jsm.calls("POST", CREATE)] == [status]
    assert [u["accountId"] for u in accounts(fake_jsm, "ann@example.com")] == [customer.jira_account_id]


def test_a_create_jira_carried_out_but_never_answered_is_found_at_once(customer, desk, fake_jsm):
    jira_acts_then(fake_jsm, delay=LATE)  # the account exists; the answer comes after our read timeout
    page = signed_in(customer).get("/acme/portal/5/")
    assert page.status_code == 200 and "setting up your access" not in page.content.decode()
    customer.refresh_from_db()
    assert [u["accountId"] for u in accounts(fake_jsm, "ann@example.com")] == [customer.jira_account_id]
    wait_until(lambda: fake_jsm.calls("POST", CREATE), what="the late answer", seconds=10)
    assert len(fake_jsm.calls("POST", CREATE)) == 1


def test_a_create_jira_never_carried_out_is_posted_again_once_the_wait_for_it_is_over(
    customer, desk, fake_jsm, worker_attempt
):
    from django.core.cache import cache

    fake_jsm.fail(CREATE, 503, times=1, method="POST")  # refused before Jira did anything
    assert "setting up your access" in signed_in(customer).get("/acme/portal/5/").content.decode()
    assert worker_attempt(customer, retries=1).provisioning == Customer.Provisioning.RETRYING
    assert len(fake_jsm.calls("POST", CREATE)) == 1  # within the wait, the worker only searched

    cache.clear()  # the wait is over (the remembered create expired)
    assert worker_attempt(customer, retries=2).provisioning == Customer.Provisioning.DONE
    assert [c.status for c in fake_jsm.calls("POST", CREATE)] == [503, 201]
    assert [u["accountId"] for u in accounts(fake_jsm, "ann@example.com")] == [customer.jira_account_id]
