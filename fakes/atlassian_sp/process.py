"""Start and stop the Atlassian-shaped SAML service provider (server.js, @node-saml/node-saml) from Python.

Node prints one JSON line when it listens (`{"entity_id": ..., "acs_url": ..., "port": ...}`); the SP
then answers at once (it has nothing to load), so the caller may use it straight away.
"""

import json
import os
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from fakes import node

HERE = Path(__file__).resolve().parent
START_TIMEOUT = node.START_TIMEOUT
PROBE = "@node-saml/node-saml"


class AtlassianSpUnavailable(RuntimeError):
    """Node, the npm packages or the SP itself could not be started."""


@dataclass
class AtlassianSp(node.NodeProcess):
    entity_id: str
    acs_url: str
    port: int
    process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def login_url(self) -> str:
        return f"{self.origin}/login"


def ensure_node_modules() -> None:
    """`bin/test` runs `npm ci` already; this covers a bare `pytest` on a fresh checkout."""
    node.ensure_node_modules(HERE, PROBE, AtlassianSpUnavailable)


def start_atlassian_sp(
    *, idp_sso_url: str, idp_entity_id: str, idp_certificates: list[str], log_path: Path, connection: str = ""
) -> AtlassianSp:
    """Run `node server.js` trusting `idp_certificates` (PEM) for the IdP at `idp_sso_url`."""
    args = ["server.js", "--port", "0", "--connection", connection or str(uuid.uuid4())]
    args += ["--idp-sso-url", idp_sso_url, "--idp-entity-id", idp_entity_id]
    env = {**os.environ, "ATLASSIAN_SP_IDP_CERTS": json.dumps(idp_certificates)}
    process, started = node.start_node(
        HERE, args, env=env, log_path=log_path, probe=PROBE, error=AtlassianSpUnavailable,
        name="the Atlassian-shaped SP", timeout=START_TIMEOUT,
    )  # fmt: skip
    return AtlassianSp(started["entity_id"], started["acs_url"], started["port"], process, log_path)
