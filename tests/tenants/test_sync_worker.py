"""Acceptance: a real Celery worker on Redis syncs two tenants into PostgreSQL, and a second sync of
a tenant while one runs is SKIPPED, not doubled. Runs when REDIS_URL and a PostgreSQL DATABASE_URL
are set (CI's PostgreSQL pass); skipped otherwise.
"""

import pytest

from tenants.models import ServiceDesk, SyncRun
from tenants.tasks import service_desks_sync_tenant
from tests.factories import TenantFactory
from tests.fixtures.jsm import connect
from tests.tenants.worker import celery_worker, skip_without_worker_env, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.timeout(180)]


@pytest.fixture
def worker(transactional_db, tmp_path):
    skip_without_worker_env()
    with celery_worker(tmp_path) as queue:
        yield queue


def test_a_real_worker_syncs_two_tenants_and_skips_a_concurrent_second_sync(worker, fake_jsm_factory):
    acme, globex = TenantFactory(slug="acme"), TenantFactory(slug="globex")
    site_a, site_b = fake_jsm_factory(), fake_jsm_factory()
    connect(acme, site_a)
    connect(globex, site_b)
    site_a.state.add_service_desks(120)
    site_b.state.add_service_desks(3)
    site_a.slow("/rest/servicedeskapi/servicedesk", 4.0, times=1)  # keeps acme's first sync running

    service_desks_sync_tenant.apply_async(args=(acme.pk, "admin"), queue=worker)
    service_desks_sync_tenant.apply_async(args=(globex.pk, "admin"), queue=worker)
    running = SyncRun.objects.filter(tenant=acme, outcome=SyncRun.Outcome.RUNNING)
    wait_for(running.exists, what="acme's first sync to start")
    service_desks_sync_tenant.apply_async(args=(acme.pk, "admin"), queue=worker)

    finished = SyncRun.objects.exclude(outcome=SyncRun.Outcome.RUNNING)
    wait_for(lambda: finished.count() == 3 and not running.exists(), what="three finished sync runs")
    outcomes = sorted(SyncRun.objects.filter(tenant=acme).values_list("outcome", flat=True))
    assert outcomes == ["skipped", "success"]
    assert SyncRun.objects.get(tenant=globex).outcome == "success"
    assert ServiceDesk.objects.filter(tenant=acme, is_active=True).count() == 120
    assert ServiceDesk.objects.filter(tenant=globex, is_active=True).count() == 3
    assert len(site_a.calls("GET", "/rest/api/3/myself")) == 0  # the sync only pages the desks
    pages = site_a.calls("GET", "/rest/servicedeskapi/servicedesk")
    assert len(pages) == 3  # 120 desks in pages of 50, fetched once: the skipped run never called Jira
