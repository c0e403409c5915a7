"""Real services a fault test can break on purpose: its own redis-server, a black hole, PostgreSQL kills.

The machine's shared Redis and PostgreSQL are never stopped (other runs use them): Redis faults use a
redis-server started here on a free port, killed and restarted on that same port; PostgreSQL faults
terminate only the backends connected to this run's own test database.
"""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

NEEDS_POSTGRES = "needs a PostgreSQL DATABASE_URL (CI runs it in its PostgreSQL pass)"
NEEDS_WORKER = "needs REDIS_URL and a PostgreSQL DATABASE_URL for a real Celery worker (CI's PostgreSQL pass)"


def on_postgres() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def skip_without_postgres() -> None:
    if not on_postgres():
        pytest.skip(NEEDS_POSTGRES)


def skip_without_worker_env() -> None:
    if not (settings.REDIS_URL and on_postgres()):
        pytest.skip(NEEDS_WORKER)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, what: str, seconds: float = 30.0, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


class RedisServer:
    """A redis-server of this test alone. `persistent=True` keeps an append-only file in `directory`, fsynced
    at every write, as a production broker should be configured: a message queued before a crash is there
    after the restart."""

    def __init__(self, directory: Path, *, persistent: bool = False):
        self.directory = directory
        self.persistent = persistent
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("needs redis-server (Debian package redis-server)")
        durability = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *durability]
        command += ["--dir", str(self.directory), "--daemonize", "no", "--loglevel", "warning"]
        log = (self.directory / "redis.log").open("a")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._answers, what=f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited: {(self.directory / 'redis.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: the crash case, no goodbye to clients."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.kill()
        self.start()


class BlackHole:
    """A TCP server that accepts connections and never answers: an identity provider that hangs."""

    def __init__(self):
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._held: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="black-hole").start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self._held.append(conn)

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        for conn in self._held:
            conn.close()


def closed_port_url() -> str:
    """An address where nothing listens: connection refused at once."""
    return f"http://127.0.0.1:{free_port()}"


def pg_backends(*, exclude_pid: int | None = None) -> list[int]:
    """Pids of every backend connected to this run's test database (ours, a worker's, a server's)."""
    import psycopg

    with psycopg.connect(**_admin_dsn(), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        ).fetchall()
    return [pid for (pid,) in rows if pid != exclude_pid]


def pg_terminate(pids: list[int]) -> int:
    """SELECT pg_terminate_backend(pid): the server side drops those connections, as a failover would."""
    import psycopg

    with psycopg.connect(**_admin_dsn(), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    return len(pids)


def _admin_dsn() -> dict:
    db = connection.settings_dict
    dsn = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"], "dbname": "postgres"}
    if db.get("PASSWORD"):
        dsn["password"] = db["PASSWORD"]
    return dsn


def rss_kb(pid: int) -> int:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def env_seconds(name: str, default: float) -> float:
    return float(os.environ.get(name, default))
