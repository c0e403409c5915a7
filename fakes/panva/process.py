"""Start and stop panva's oidc-provider (server.js) from Python, on a free port of 127.0.0.1.

Node prints one JSON line when it listens (`{"issuer": ..., "port": ...}`); we then wait until its
discovery document answers, so a test never races the provider's start-up.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 30.0


class PanvaUnavailable(RuntimeError):
    """Node, the npm packages or the provider itself could not be started."""


@dataclass
class PanvaProvider:
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: list[str]
    process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False)

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def discovery(self) -> dict:
        return requests.get(self.discovery_url, timeout=5).json()

    def log(self) -> str:
        """What node wrote to stderr (warnings, server_error lines): for failure messages."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()


def ensure_node_modules() -> None:
    """`bin/test` runs `npm ci` already; this covers a bare `pytest` on a fresh checkout."""
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if not npm:
        raise PanvaUnavailable("npm is not installed; bin/test installs it (Debian nodejs npm).")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=300)


def start_panva(
    *, redirect_uris: list[str], log_path: Path, client_id: str = "gateway", accounts: dict | None = None,
    post_logout_redirect_uris: list[str] | None = None,
) -> PanvaProvider:  # fmt: skip
    """Run `node server.js` with a fresh client secret; return once discovery answers."""
    node = shutil.which("node")
    if not node:
        raise PanvaUnavailable("node is not installed; bin/test installs it (Debian nodejs).")
    ensure_node_modules()
    secret = secrets.token_urlsafe(32)
    argv = [node, "server.js", "--port", "0", "--client-id", client_id]
    for uri in redirect_uris:
        argv += ["--redirect-uri", uri]
    for uri in post_logout_redirect_uris or []:
        argv += ["--post-logout-redirect-uri", uri]
    env = {**os.environ, "PANVA_CLIENT_SECRET": secret, "PANVA_ACCOUNTS": json.dumps(accounts or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=log)  # noqa: SIM115
    provider = PanvaProvider("", client_id, secret, list(redirect_uris), process, log_path)
    try:
        provider.issuer = _read_issuer(process, provider)
        _wait_for_discovery(provider)
    except BaseException:
        provider.stop()
        raise
    return provider


def _read_issuer(process: subprocess.Popen, provider: PanvaProvider) -> str:
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not line or not line[0]:
        raise PanvaUnavailable(f"oidc-provider did not start: {provider.log()[-2000:]}")
    return json.loads(line[0])["issuer"]


def _wait_for_discovery(provider: PanvaProvider) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if requests.get(provider.discovery_url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or provider.process.poll() is not None:
            raise PanvaUnavailable(f"oidc-provider discovery did not answer: {provider.log()[-2000:]}")
        time.sleep(0.1)
