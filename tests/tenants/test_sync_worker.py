"""Acceptance: a real Celery worker on Redis syncs two tenants into PostgreSQL, and a second sync of
a tenant while one runs is SKIPPED, not doubled. Runs when REDIS_URL and a PostgreSQL DATABASE_URL
are set (CI's PostgreSQL pass); skipped otherwise.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sso_gateway.celery import app as celery_app
from tenants.models import ServiceDesk, SyncRun
from tenants.tasks import service_desks_sync_tenant
from tests.factories import TenantFactory
from tests.fakes.jsm.fixtures import connect

pytestmark = [pytest.mark.worker, pytest.mark.timeout(180)]

NEEDS = "needs REDIS_URL and a PostgreSQL DATABASE_URL (CI runs it in its PostgreSQL pass)"


def _have_worker_env() -> bool:
    return bool(settings.REDIS_URL) and "postgresql" in settings.DATABASES["default"]["ENGINE"]


@pytest.fixture
def worker(transactional_db, tmp_path):
    if not _have_worker_env():
        pytest.skip(NEEDS)
    queue = f"test-sync-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GATEWAY_ENCRYPTION_KEYS": ",".join(settings.GATEWAY_ENCRYPTION_KEYS),
        "GATEWAY_ALLOW_INSECURE_HTTP": "true",
        "CONN_MAX_AGE": "0",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
    log = (tmp_path / "worker.log").open("w")
    command = [sys.executable, "-m", "celery", "-A", "sso_gateway", "worker", "-Q", queue, "-c", "2"]
    command += ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "-l", "info"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # Publish only once the worker has bound its queue (Redis drops messages for unbound queues).
    log_path = Path(log.name)
    wait_for(lambda: " ready." in log_path.read_text() or process.poll() is not None, what="the worker to start")
    assert process.poll() is None, log_path.read_text()[-3000:]
    yield queue
    celery_app.conf.task_always_eager = eager
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    print(Path(log.name).read_text()[-3000:])  # shown by pytest when the test failed


def wait_for(condition, *, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


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
