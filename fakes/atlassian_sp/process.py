"""Start and stop the Atlassian-shaped SAML service provider (server.js, @node-saml/node-saml) from Python.

Node prints one JSON line when it listens (`{"entity_id": ..., "acs_url": ..., "port": ...}`); the SP
then answers at once (it has nothing to load), so the caller may use it straight away.
"""

import json
import os
import shutil
import signal
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 30.0


class AtlassianSpUnavailable(RuntimeError):
    """Node, the npm packages or the SP itself could not be started."""


@dataclass
class AtlassianSp:
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

    def log(self) -> str:
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
    if (HERE / "node_modules" / "@node-saml" / "node-saml").is_dir():
        return
    npm = shutil.which("npm")
    if not npm:
        raise AtlassianSpUnavailable("npm is not installed; bin/test installs it (Debian nodejs npm).")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=300)


def start_atlassian_sp(
    *, idp_sso_url: str, idp_entity_id: str, idp_certificates: list[str], log_path: Path, connection: str = ""
) -> AtlassianSp:
    """Run `node server.js` trusting `idp_certificates` (PEM) for the IdP at `idp_sso_url`."""
    node = shutil.which("node")
    if not node:
        raise AtlassianSpUnavailable("node is not installed; bin/test installs it (Debian nodejs).")
    ensure_node_modules()
    argv = [node, "server.js", "--port", "0", "--connection", connection or str(uuid.uuid4())]
    argv += ["--idp-sso-url", idp_sso_url, "--idp-entity-id", idp_entity_id]
    env = {**os.environ, "ATLASSIAN_SP_IDP_CERTS": json.dumps(idp_certificates)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=log)  # noqa: SIM115
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not line or not line[0]:
        process.kill()
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        raise AtlassianSpUnavailable(f"the Atlassian-shaped SP did not start: {text[-2000:]}")
    started = json.loads(line[0])
    return AtlassianSp(started["entity_id"], started["acs_url"], started["port"], process, log_path)
