"""The processes the benchmark starts (gunicorn, Celery workers, the fakes) and what /proc says about them.

Each process is started in its own session and stopped through its own process group id, so the
harness ends exactly what it started and nothing else. Output goes to var/bench/logs/<name>.log.
"""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log_path: Path
    info: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)


def start(name: str, argv: list[str], *, env: dict, log_dir: Path, announce: bool = False) -> Proc:
    """Start `argv`; with `announce`, wait for its first stdout line, a JSON object (the fakes print one)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - owned by the child for its lifetime
    stdout = subprocess.PIPE if announce else log
    popen = subprocess.Popen(argv, env=env, stdout=stdout, stderr=log, start_new_session=True)  # noqa: S603
    proc = Proc(name, popen, log_path)
    if announce:
        line = popen.stdout.readline()
        if not line:
            raise RuntimeError(f"{name} exited before announcing itself; see {log_path}")
        proc.info = json.loads(line)
    return proc


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def wait_http(url: str, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    """Direct children of `pid` (gunicorn's workers, Celery's pool processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (/proc/<pid>/stat fields 14 and 15)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU of a master and its workers, including workers already recycled (max_requests) and reaped,
    whose time the kernel adds to the master's cutime/cstime (fields 16 and 17)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / CLOCK_TICKS
    return own + cpu_seconds(children(pid))


def rss_mb(pid: int) -> float | None:
    """Resident memory (VmRSS) in MB, None if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
