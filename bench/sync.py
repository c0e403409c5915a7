"""Sync: every tenant's service desks from the fake JSM (fixed latency per call), run by real Celery workers.

One round = the scheduled fan-out (`service_desks_sync_all`) queued through Redis, timed from the
queueing to the last SyncRun's `finished_at`. Its baseline is the lower bound: Jira calls × latency ÷
worker concurrency (no worker can be faster than waiting for its calls). SQL queries per tenant are
counted inside the workers (bench/worker.py).
"""

import time
from collections import Counter

import redis
import requests
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from bench import procs
from bench.worker import KEY


def jsm_calls(jsm_url: str) -> int:
    return sum(requests.get(f"{jsm_url}/_bench/counts", timeout=10).json().values())


def jsm_desks_set(jsm_url: str, count: int) -> None:
    requests.post(f"{jsm_url}/_bench/desks", params={"count": count}, timeout=10).raise_for_status()


def query_counts() -> dict[str, int]:
    raw = redis.Redis.from_url(settings.REDIS_URL).hgetall(KEY)
    return {key.decode(): int(value) for key, value in raw.items()}


def _counts_settled(before: dict, key: str, expected: int, wait: float = 10) -> dict:
    """The workers add their counts just after a task returns: wait until every task has reported."""
    deadline = time.monotonic() + wait
    while True:
        after = query_counts()
        if after.get(key, 0) - before.get(key, 0) >= expected or time.monotonic() > deadline:
            return after
        time.sleep(0.1)


def sync_round(
    *, tenants: int, jsm_url: str, latency: float, concurrency: int, timeout: float, celery_pids: list[int]
) -> dict:
    from tenants.models import SyncRun
    from tenants.selectors import tenant_ids_to_sync
    from tenants.tasks import service_desks_sync_all

    tenants = len(tenant_ids_to_sync())  # the sync tenants and the portal's tenant

    calls_before, queries_before = jsm_calls(jsm_url), query_counts()
    cpu = sum(procs.tree_cpu_seconds(pid) for pid in celery_pids)
    began = timezone.now()
    service_desks_sync_all.delay()
    runs = SyncRun.objects.filter(started_at__gte=began).exclude(outcome=SyncRun.Outcome.RUNNING)
    deadline = time.monotonic() + timeout
    while runs.count() < tenants:
        if time.monotonic() > deadline:
            raise RuntimeError(f"sync did not finish within {timeout:.0f}s ({runs.count()}/{tenants} tenants)")
        time.sleep(0.2)
    wall = (runs.aggregate(last=Max("finished_at"))["last"] - began).total_seconds()
    calls = jsm_calls(jsm_url) - calls_before
    cpu = sum(procs.tree_cpu_seconds(pid) for pid in celery_pids) - cpu
    task = "tenants.tasks.service_desks_sync_tenant"
    after = _counts_settled(queries_before, f"{task}:tasks", tenants)
    queries = after.get(f"{task}:queries", 0) - queries_before.get(f"{task}:queries", 0)
    tasks = after.get(f"{task}:tasks", 0) - queries_before.get(f"{task}:tasks", 0)
    return {
        "wall_s": wall,
        "jira_calls": calls,
        "lower_bound_s": calls * latency / concurrency,
        "queries_per_tenant": queries / tasks if tasks else None,
        "worker_cpu_ms_per_tenant": 1000 * cpu / tenants,
        "tenants": tenants,
        "outcomes": dict(Counter(runs.values_list("outcome", flat=True))),
    }
