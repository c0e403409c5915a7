"""Acceptance: Jira down at sign-in → a real Celery worker retries the provisioning and completes it
once Jira is back. Runs when REDIS_URL and a PostgreSQL DATABASE_URL are set; skipped otherwise.
"""

import pytest

from portal.services import customer_provision
from providers.models import Customer
from tests.factories import CustomerFactory, IdentityProviderFactory, ServiceDeskFactory, TenantFactory
from tests.fixtures.jsm import connect
from tests.tenants.worker import celery_worker, skip_without_worker_env, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.timeout(180)]


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    skip_without_worker_env()
    with celery_worker(tmp_path) as queue:
        settings.GATEWAY_PROVISION_QUEUE = queue
        yield queue


def test_jira_down_at_sign_in_is_completed_by_the_worker(worker, fake_jsm):
    tenant = TenantFactory(slug="acme")
    connect(tenant, fake_jsm)
    fake_jsm.state.add_service_desk(name="IT Help", key="IT", desk_id="5")
    desk = ServiceDeskFactory(tenant=tenant, jira_id="5", project_name="IT Help")
    customer = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant), email="ann@example.com")
    fake_jsm.fail("/rest/api/3/user/search", 503, times=2)  # down for the sign-in's try and its one retry

    result = customer_provision(customer=customer, service_desk=desk)
    assert not result.ready and "setting up your access" in result.message

    done = Customer.objects.filter(pk=customer.pk, provisioning=Customer.Provisioning.DONE)
    wait_for(done.exists, what="the worker to finish provisioning")
    account = done.get().jira_account_id
    assert account in fake_jsm.state.desk_customers["5"]
    assert len([u for u in fake_jsm.state.users.values() if u["emailAddress"] == "ann@example.com"]) == 1
