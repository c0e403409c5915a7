"""A real Celery worker for acceptance tests: a subprocess on Redis against the test database,
consuming its own queue so parallel runs never share tasks. Needs REDIS_URL and PostgreSQL.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sso_gateway.celery import app as celery_app

NEEDS = "needs REDIS_URL and a PostgreSQL DATABASE_URL (CI runs it in its PostgreSQL pass)"


def skip_without_worker_env() -> None:
    if not (settings.REDIS_URL and "postgresql" in settings.DATABASES["default"]["ENGINE"]):
        pytest.skip(NEEDS)


def wait_for(condition, *, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _worker_env() -> dict:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GATEWAY_ENCRYPTION_KEYS": ",".join(settings.GATEWAY_ENCRYPTION_KEYS),
        "GATEWAY_ALLOW_INSECURE_HTTP": "true",
        "CONN_MAX_AGE": "0",
    }


@contextmanager
def celery_worker(log_dir: Path, *, concurrency: int = 2):
    """Yields the worker's queue name; tasks go there with apply_async(queue=...)."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    log_path = log_dir / "worker.log"
    log = log_path.open("w")
    command = [sys.executable, "-m", "celery", "-A", "sso_gateway", "worker", "-Q", queue, "-c", str(concurrency)]
    command += ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "-l", "info"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=_worker_env(), stdout=log, stderr=subprocess.STDOUT)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        # Publish only once the worker has bound its queue (Redis drops messages for unbound queues).
        wait_for(lambda: " ready." in log_path.read_text() or process.poll() is not None, what="the worker")
        assert process.poll() is None, log_path.read_text()[-3000:]
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print(log_path.read_text()[-3000:])  # shown by pytest when the test failed
