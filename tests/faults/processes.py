"""The gateway as production runs it, as subprocesses of a fault test: gunicorn (deploy/gunicorn.conf.py)
and a Celery worker, both on this run's test database, so a test can break what they depend on and
watch them recover without restarting them.
"""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

from sso_gateway.celery import app as celery_app
from tests.faults.services import free_port, wait_until


def gateway_env(**overrides) -> dict:
    """The environment of a gateway process that shares this test's database, keys and Redis."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "GATEWAY_ENCRYPTION_KEYS": ",".join(settings.GATEWAY_ENCRYPTION_KEYS),
        "GATEWAY_ALLOW_INSECURE_HTTP": "true",
        "CONN_MAX_AGE": "60",  # the production default: persistent connections, health-checked
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class Gunicorn:
    def __init__(self, process: subprocess.Popen, url: str, log: Path):
        self.process, self.url, self.log = process, url, log

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def tail(self) -> str:
        return self.log.read_text()[-3000:]


@contextmanager
def gunicorn(log_dir: Path, *, workers: int = 1, threads: int = 4, **env):
    """gunicorn with the production settings file on a free loopback port; yields a `Gunicorn`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    overrides = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": workers, "GUNICORN_THREADS": threads}
    overrides |= {"GATEWAY_BASE_URL": url, **env}
    log_path = log_dir / "gunicorn.log"
    log = log_path.open("w")
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "sso_gateway.wsgi"]
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=gateway_env(**overrides), stdout=log, stderr=subprocess.STDOUT
    )
    server = Gunicorn(process, url, log_path)
    try:
        wait_until(lambda: _healthy(server), what="gunicorn to answer /healthz", seconds=60)
        yield server
    finally:
        _stop(process)
        log.close()
        print(server.tail())  # shown by pytest when the test failed


def _healthy(server: Gunicorn) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"gunicorn exited: {server.tail()}")
    try:
        return requests.get(server.url + "/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def celery_worker(log_dir: Path, *, concurrency: int = 2, **env):
    """A real worker consuming its own queue (yielded), with the production CONN_MAX_AGE unless overridden."""
    queue = f"fault-{uuid.uuid4().hex[:10]}"
    log_path = log_dir / "worker.log"
    log = log_path.open("w")
    command = [sys.executable, "-m", "celery", "-A", "sso_gateway", "worker", "-Q", queue, "-c", str(concurrency)]
    command += ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "-l", "info"]
    env = {"GATEWAY_PROVISION_QUEUE": queue, **env}  # retries it queues itself come back to it
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=gateway_env(**env), stdout=log, stderr=subprocess.STDOUT
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        # Publish only once the worker has bound its queue (Redis drops messages for unbound queues).
        wait_until(lambda: " ready." in log_path.read_text() or process.poll() is not None, what="the worker")
        assert process.poll() is None, log_path.read_text()[-3000:]
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        _stop(process)
        log.close()
        print(log_path.read_text()[-3000:])


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
