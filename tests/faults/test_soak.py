"""A bounded soak of concurrent sign-ins and syncs on the production shape.

gunicorn (deploy/gunicorn.conf.py, one worker process with 4 threads, its own redis-server for cache and
sessions) serves customers who open a substitute link, sign in at the fake identity provider and land on
the desk page (provisioned in the fake JSM), next to anonymous visitors who only open links; a real Celery
worker syncs several tenants over and over meanwhile. At the end: no error anywhere, one session per
successful sign-in and none for anonymous visitors, database connections within the processes' pools and
back to the baseline once they stop, and the server's resident memory flat after warm-up (a leak
detector with a generous +25 MB bound, not a speed target).

Duration: GATEWAY_SOAK_SECONDS (default 60, as CI runs it; at most 180).
"""

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from urllib.parse import urljoin

import pytest
import redis
import requests
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session

from providers.models import Customer, LoginEvent
from tenants.models import SyncRun
from tenants.tasks import service_desks_sync_tenant
from tests.factories import ServiceDeskFactory, TenantFactory, provider_at
from tests.faults.helpers import redis_profile
from tests.faults.processes import celery_worker, gunicorn
from tests.faults.services import env_seconds, pg_backends, rss_kb, skip_without_worker_env, wait_until
from tests.fixtures.jsm import connect

SOAK_SECONDS = min(180.0, env_seconds("GATEWAY_SOAK_SECONDS", 60))
CUSTOMERS = 6  # concurrent browsers signing in
THREADS, WORKER_CONCURRENCY = 4, 2
MEMORY_BOUND_KB = 25 * 1024
EMAILS = itertools.count()  # one new customer per sign-in, across warm-up and soak

pytestmark = [pytest.mark.worker, pytest.mark.timeout(SOAK_SECONDS + 240)]


class Load:
    """Counts what the customers saw; any surprise is kept verbatim for the failure message."""

    def __init__(self, server, idp, fake, deadline: float):
        self.server, self.idp, self.fake, self.deadline = server, idp, fake, deadline
        self.signed_in = self.anonymous = 0
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def customer(self) -> None:
        while time.monotonic() < self.deadline and not self.errors:
            try:
                self._sign_in_once()
            except Exception as exc:  # noqa: BLE001 - any failure is a soak error, reported at the end
                self._error(f"{type(exc).__name__}: {exc}")

    def visitor(self) -> None:
        while time.monotonic() < self.deadline and not self.errors:
            answer = requests.get(f"{self.server.url}/acme/portal/5/", allow_redirects=False, timeout=30)
            # Only the pending sign-in's own cookie (gwtx_<state>, kept by the browser, not the server).
            others = [name for name in answer.cookies.keys() if not name.startswith("gwtx_")]  # noqa: SIM118
            if answer.status_code != 302 or others:
                self._error(f"anonymous link open: {answer.status_code} cookies={others}")
            with self._lock:
                self.anonymous += 1
            time.sleep(0.05)

    def _sign_in_once(self) -> None:
        browser = requests.Session()
        answer = browser.get(f"{self.server.url}/acme/portal/5/", allow_redirects=False, timeout=30)
        while answer.status_code == 302 and answer.headers["Location"].startswith("/"):
            answer = browser.get(
                urljoin(self.server.url, answer.headers["Location"]), allow_redirects=False, timeout=30
            )
        if answer.status_code != 302:
            return self._error(f"sign-in start answered {answer.status_code}")
        with self._lock:  # the fake approves whoever `user` is when /authorize arrives
            email = f"soak{next(EMAILS)}@example.com"
            self.fake.user = {**self.fake.user, "sub": email, "email": email, "name": email}
            callback = self.fake.approve(answer.headers["Location"])
        page = browser.get(callback, timeout=30)
        if page.status_code != 200 or email not in page.text or "IT Help" not in page.text:
            return self._error(f"callback chain ended {page.status_code} at {page.url}")
        with self._lock:
            self.signed_in += 1

    def _error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)


def sessions_stored(cache_server) -> int:
    """Sessions as the production profile stores them: database rows, or keys in the cache."""
    if issubclass(import_module(redis_profile()["session_engine"]).SessionStore, DatabaseSessionStore):
        return Session.objects.count()
    client = redis.Redis.from_url(cache_server.url(0))
    return sum(1 for _ in client.scan_iter(match="*django.contrib.sessions.cache*", count=1000))


def sync_rounds(tenants, queue, deadline: float) -> int:
    """Sync every tenant, wait for all to finish, again, until the deadline; returns the rounds done."""
    rounds = 0
    finished = SyncRun.objects.exclude(outcome=SyncRun.Outcome.RUNNING)
    while time.monotonic() < deadline:
        before = finished.count()
        for tenant in tenants:
            service_desks_sync_tenant.apply_async(args=(tenant.pk, "schedule"), queue=queue)
        wait_until(lambda b=before: finished.count() >= b + len(tenants), what="a sync round", seconds=60)
        rounds += 1
    return rounds


@pytest.fixture
def soak_site(transactional_db, oidc_provider, fake_jsm_factory):
    skip_without_worker_env()
    acme = TenantFactory(slug="acme", name="Acme Support")
    idp = provider_at(oidc_provider, tenant=acme)
    site = fake_jsm_factory()
    connect(acme, site)
    site.state.add_service_desk(name="IT Help", key="IT", desk_id="5")
    ServiceDeskFactory(tenant=acme, jira_id="5", project_name="IT Help", project_key="IT")
    synced = [acme]
    for slug in ("globex", "initech", "umbrella"):
        tenant = TenantFactory(slug=slug)
        other = fake_jsm_factory()
        connect(tenant, other)
        other.state.add_service_desks(60)
        synced.append(tenant)
    return idp, site, synced


def test_a_soak_of_sign_ins_and_syncs_ends_clean(soak_site, oidc_provider, own_redis, tmp_path):
    idp, site, synced = soak_site
    baseline = len(pg_backends())
    limits = {"GATEWAY_RATE_SIGNIN_PER_IP": "100000/m", "GATEWAY_RATE_SIGNIN_PER_TENANT": "100000/m"}
    with (
        gunicorn(tmp_path, workers=1, threads=THREADS, REDIS_URL=own_redis.url(0), **limits) as server,
        celery_worker(tmp_path, concurrency=WORKER_CONCURRENCY) as queue,
    ):
        [web] = server.worker_pids()
        warm_up = Load(server, idp, oidc_provider, deadline=time.monotonic() + min(20.0, SOAK_SECONDS / 3))
        with ThreadPoolExecutor(CUSTOMERS) as pool:
            list(pool.map(lambda _: warm_up.customer(), range(CUSTOMERS)))
        assert not warm_up.errors, warm_up.errors[:5]
        rss_warm = rss_kb(web)

        load = Load(server, idp, oidc_provider, deadline=time.monotonic() + SOAK_SECONDS)
        with ThreadPoolExecutor(CUSTOMERS + 2) as pool:
            browsing = [pool.submit(load.customer) for _ in range(CUSTOMERS)] + [pool.submit(load.visitor)]
            rounds = sync_rounds(synced, queue, load.deadline)
            for future in browsing:
                future.result()
        rss_end = rss_kb(web)

        assert not load.errors, load.errors[:5]
        signed_in = warm_up.signed_in + load.signed_in
        assert load.signed_in > 0 and load.anonymous > 0 and rounds > 0
        assert Customer.objects.count() == signed_in == LoginEvent.objects.filter(outcome="success").count()
        assert not LoginEvent.objects.exclude(outcome="success").exists()
        assert sessions_stored(own_redis) == signed_in  # none for anonymous visitors, none left over
        assert not SyncRun.objects.filter(outcome=SyncRun.Outcome.FAILED).exists()
        jira_customers = [u["emailAddress"] for u in site.state.users.values() if u["accountType"] == "customer"]
        assert len(jira_customers) == len(set(jira_customers)) == signed_in  # one per sign-in, never two
        assert len(pg_backends()) <= baseline + THREADS + WORKER_CONCURRENCY + 1  # pools, not a leak
        assert server.worker_pids() == [web]  # no worker crashed or was recycled
        assert rss_end - rss_warm <= MEMORY_BOUND_KB, f"RSS grew {(rss_end - rss_warm) / 1024:.1f} MB"
        log = server.tail()
        assert "Traceback" not in log and '" 500 ' not in log
    wait_until(lambda: len(pg_backends()) <= baseline, what="connections back to the baseline", seconds=30)
    print(f"soak: {signed_in} sign-ins, {load.anonymous} anonymous opens, {rounds} sync rounds, "
          f"RSS {rss_warm // 1024} → {rss_end // 1024} MB")  # fmt: skip
