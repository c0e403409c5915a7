"""Start and stop panva's oidc-provider (server.js) from Python, on a free port of 127.0.0.1.

Node prints one JSON line when it listens (`{"issuer": ..., "port": ...}`); we then wait until its
discovery document answers, so a test never races the provider's start-up.
"""

import json
import os
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import requests

from fakes import node

HERE = Path(__file__).resolve().parent
START_TIMEOUT = node.START_TIMEOUT
PROBE = "oidc-provider"


class PanvaUnavailable(RuntimeError):
    """Node, the npm packages or the provider itself could not be started."""


@dataclass
class PanvaProvider(node.NodeProcess):
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


def ensure_node_modules() -> None:
    """`bin/test` runs `npm ci` already; this covers a bare `pytest` on a fresh checkout."""
    node.ensure_node_modules(HERE, PROBE, PanvaUnavailable)


def start_panva(
    *, redirect_uris: list[str], log_path: Path, client_id: str = "gateway", accounts: dict | None = None,
    post_logout_redirect_uris: list[str] | None = None,
) -> PanvaProvider:  # fmt: skip
    """Run `node server.js` with a fresh client secret; return once discovery answers."""
    secret = secrets.token_urlsafe(32)
    args = ["server.js", "--port", "0", "--client-id", client_id]
    for uri in redirect_uris:
        args += ["--redirect-uri", uri]
    for uri in post_logout_redirect_uris or []:
        args += ["--post-logout-redirect-uri", uri]
    env = {**os.environ, "PANVA_CLIENT_SECRET": secret, "PANVA_ACCOUNTS": json.dumps(accounts or {})}
    process, started = node.start_node(
        HERE, args, env=env, log_path=log_path, probe=PROBE, error=PanvaUnavailable, name="oidc-provider",
        timeout=START_TIMEOUT,
    )  # fmt: skip
    provider = PanvaProvider(started["issuer"], client_id, secret, list(redirect_uris), process, log_path)
    try:
        node.wait_until_ok(
            provider.discovery_url, process, log_path=log_path, failure="oidc-provider discovery did not answer",
            error=PanvaUnavailable, timeout=START_TIMEOUT,
        )  # fmt: skip
    except BaseException:
        provider.stop()
        raise
    return provider
