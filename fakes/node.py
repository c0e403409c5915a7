"""Run a node test peer (a `server.js` next to its Python wrapper) from Python, on a free port of 127.0.0.1.

The plumbing the node fakes (panva, saml_idp, atlassian_sp) share: install their npm packages on a bare
checkout, find `node`, start it with stdout piped and stderr into a log file, read the one JSON line the
server prints when it listens, poll a URL until it answers, and stop the process. Every failure raises the
caller's own exception class with the tail of the log, so a test's message says why node did not start.
"""

import json
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import requests

START_TIMEOUT = 30.0
LOG_TAIL = 2000


def ensure_node_modules(here: Path, probe: str, error: type[Exception]) -> None:
    """`bin/test` runs `npm ci` already; this covers a bare `pytest` on a fresh checkout.

    `probe` is a package path under node_modules (e.g. "samlify", "@node-saml/node-saml") whose presence
    means the packages are installed.
    """
    if (here / "node_modules" / probe).is_dir():
        return
    npm = shutil.which("npm")
    if not npm:
        raise error("npm is not installed; bin/test installs it (Debian nodejs npm).")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=here, check=True, timeout=300)


def find_node(error: type[Exception]) -> str:
    node = shutil.which("node")
    if not node:
        raise error("node is not installed; bin/test installs it (Debian nodejs).")
    return node


def log_text(log_path: Path) -> str:
    return log_path.read_text(errors="replace") if log_path.exists() else ""


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, five seconds to exit, then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    if process.stdout:
        process.stdout.close()


class NodeProcess:
    """`log()` and `stop()` for a dataclass with `process` and `log_path` fields."""

    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """What node wrote to stderr (warnings, server_error lines): for failure messages."""
        return log_text(self.log_path)

    def stop(self) -> None:
        stop(self.process)


def start_node(
    here: Path, args: list[str], *, env: dict, log_path: Path, probe: str, error: type[Exception], name: str,
    timeout: float = START_TIMEOUT,
) -> tuple[subprocess.Popen, dict]:  # fmt: skip
    """Run `node <args>` in `here`; return the process and the JSON line it printed on listening.

    If no line comes within `timeout`, the process is stopped and `error("<name> did not start: <log>")`
    raised.
    """
    node = find_node(error)
    ensure_node_modules(here, probe, error)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([node, *args], cwd=here, env=env, stdout=subprocess.PIPE, stderr=log)  # noqa: SIM115
    try:
        return process, _first_line(process, timeout, f"{name} did not start", log_path, error)
    except BaseException:
        stop(process)
        raise


def _first_line(process: subprocess.Popen, timeout: float, failure: str, log_path: Path, error) -> dict:
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line or not line[0]:
        raise error(f"{failure}: {log_text(log_path)[-LOG_TAIL:]}")
    return json.loads(line[0])


def wait_until_ok(
    url: str, process: subprocess.Popen, *, log_path: Path, failure: str, error: type[Exception],
    timeout: float = START_TIMEOUT,
) -> None:  # fmt: skip
    """Poll `url` until it answers 200; raise `error("<failure>: <log>")` if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise error(f"{failure}: {log_text(log_path)[-LOG_TAIL:]}")
        time.sleep(0.1)
