"""PostgreSQL connections dropped under a running gateway and worker.

`pg_terminate_backend` ends every server-side connection to this run's test database (except the test's
own), as a failover or a restarted pgbouncer would. gunicorn (deploy/gunicorn.conf.py, CONN_MAX_AGE=60)
and a Celery worker keep running; the next request and the next task must succeed without a restart,
which CONN_HEALTH_CHECKS=True provides (Django checks a reused connection before the request uses it).
"""

import pytest
import requests
from django.db import connection

from providers.models import Customer
from tenants.models import SyncRun
from tenants.tasks import service_desks_sync_tenant
from tests.factories import TenantFactory, provider_at
from tests.faults.processes import celery_worker, gunicorn
from tests.faults.services import (
    pg_backends,
    pg_terminate,
    skip_without_postgres,
    skip_without_worker_env,
    wait_until,
)
from tests.fixtures.jsm import connect

pytestmark = [pytest.mark.timeout(180)]


@pytest.fixture
def postgres(transactional_db):
    skip_without_postgres()


def own_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def drop_every_other_connection() -> int:
    """Terminate the gateway's and the worker's connections; the test's own stays for its teardown."""
    return pg_terminate(pg_backends(exclude_pid=own_backend_pid()))


def sign_in(server, idp, fake, *, email: str) -> requests.Response:
    """A browser's whole trip through gunicorn and the fake provider; ends on the account page."""
    fake.user = {**fake.user, "sub": email, "email": email}
    browser = requests.Session()
    return browser.get(f"{server.url}{idp.login_path()}?next=/acme/account/", timeout=30)


def test_gunicorn_answers_the_next_requests_after_its_connections_are_dropped(postgres, tmp_path, oidc_provider):
    tenant = TenantFactory(slug="acme", name="Acme Support")
    idp = provider_at(oidc_provider, tenant=tenant)
    with gunicorn(tmp_path, workers=1, threads=2) as server:
        ann = sign_in(server, idp, oidc_provider, email="ann@example.com")
        assert ann.status_code == 200 and "ann@example.com" in ann.text
        workers = server.worker_pids()

        assert drop_every_other_connection() >= 1  # gunicorn's persistent connection was there to drop

        home = [requests.get(f"{server.url}/acme/", timeout=30) for _ in range(4)]
        assert [page.status_code for page in home] == [200] * 4
        bob = sign_in(server, idp, oidc_provider, email="bob@example.com")
        assert bob.status_code == 200 and "bob@example.com" in bob.text
        assert server.worker_pids() == workers  # nothing was restarted
        assert set(Customer.objects.values_list("email", flat=True)) == {"ann@example.com", "bob@example.com"}
        assert "Traceback" not in server.tail()


@pytest.fixture
def two_tenants(fake_jsm_factory):
    """acme's first sync waits 2 s on Jira while holding its database connection; globex answers at once."""
    acme, globex = TenantFactory(slug="acme"), TenantFactory(slug="globex")
    for tenant in (acme, globex):
        site = fake_jsm_factory()
        connect(tenant, site)
        site.state.add_service_desks(2)
        if tenant is acme:
            site.slow("/rest/servicedeskapi/servicedesk", 2.0, times=1)
    return acme, globex


def drop_during_acmes_sync(acme, queue) -> None:
    service_desks_sync_tenant.apply_async(args=(acme.pk, "admin"), queue=queue)
    wait_until(SyncRun.objects.filter(tenant=acme, outcome="running").exists, what="acme's sync to start")
    assert drop_every_other_connection() >= 1  # the worker's connection, in the middle of the task


@pytest.mark.worker
def test_a_worker_whose_connection_drops_mid_task_runs_the_next_task(postgres, tmp_path, two_tenants):
    skip_without_worker_env()
    acme, globex = two_tenants
    with celery_worker(tmp_path, concurrency=1) as queue:
        drop_during_acmes_sync(acme, queue)
        service_desks_sync_tenant.apply_async(args=(globex.pk, "admin"), queue=queue)
        wait_until(SyncRun.objects.filter(tenant=globex, outcome="success").exists, what="globex's sync")
    assert SyncRun.objects.get(tenant=globex).desks_seen == 2


@pytest.mark.worker
def test_a_sync_whose_connection_drops_is_recorded_as_failed_not_left_running(postgres, tmp_path, two_tenants):
    skip_without_worker_env()
    acme, _ = two_tenants
    runs = SyncRun.objects.filter(tenant=acme)
    with celery_worker(tmp_path, concurrency=1) as queue:
        drop_during_acmes_sync(acme, queue)
        wait_until(lambda: not runs.filter(outcome="running").exists(), what="acme's run to finish", seconds=10)
        failed = runs.get()
        assert failed.outcome == SyncRun.Outcome.FAILED and failed.error  # visible in the admin, with a reason

        service_desks_sync_tenant.apply_async(args=(acme.pk, "admin"), queue=queue)  # not SKIPPED for 15 minutes
        wait_until(runs.filter(outcome=SyncRun.Outcome.SUCCESS).exists, what="acme's next sync", seconds=30)
