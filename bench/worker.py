"""The Celery app of the benchmark's workers: the gateway's app, plus a count of SQL queries per task.

Each task runs inside `connection.execute_wrapper` (Django's documented hook for instrumenting
queries); when it ends, the worker adds its count to Redis (db 11) so the harness can report SQL
queries per tenant sync without touching the gateway's code.
"""

import functools
import os
from contextlib import ExitStack

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import redis  # noqa: E402
from celery.signals import task_postrun, task_prerun  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from sso_gateway.celery import app  # noqa: E402

__all__ = ["app"]

_active: dict[str, tuple[ExitStack, list[int]]] = {}
KEY = "bench:queries"


class _Counter:
    def __init__(self, box: list[int]):
        self.box = box

    def __call__(self, execute, sql, params, many, context):
        self.box[0] += 1
        return execute(sql, params, many, context)


@task_prerun.connect
def _start_counting(task_id=None, **_):
    stack, box = ExitStack(), [0]
    stack.enter_context(connection.execute_wrapper(_Counter(box)))
    _active[task_id] = (stack, box)


@task_postrun.connect
def _stop_counting(task_id=None, task=None, **_):
    stack, box = _active.pop(task_id, (None, None))
    if stack is None:
        return
    stack.close()
    pipeline = _client().pipeline(transaction=False)
    pipeline.hincrby(KEY, f"{task.name}:queries", box[0])
    pipeline.hincrby(KEY, f"{task.name}:tasks", 1)
    pipeline.execute()


@functools.cache
def _client() -> redis.Redis:
    """One client per pool process (created after the fork): the count must cost the measured worker little."""
    return redis.Redis.from_url(settings.REDIS_URL)
