"""Start and stop the samlify test identity provider (server.js) from Python, on a free port of 127.0.0.1.

Node prints one JSON line when it listens (`{"base": ..., "port": ...}`); we then wait until its
metadata answers. The caller makes the signing key and certificate (so a test knows what to trust) and
gives the gateway's SP metadata as a file, which samlify imports as an IdP would.
"""

import json
import os
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


class SamlIdpUnavailable(RuntimeError):
    """Node, the npm packages or the identity provider itself could not be started."""


@dataclass
class SamlIdp:
    base: str
    process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False)

    @property
    def metadata_url(self) -> str:
        return self.base + "/metadata"

    @property
    def entity_id(self) -> str:
        return self.metadata_url

    def metadata(self) -> str:
        return requests.get(self.metadata_url, timeout=5).text

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
    if (HERE / "node_modules" / "samlify").is_dir():
        return
    npm = shutil.which("npm")
    if not npm:
        raise SamlIdpUnavailable("npm is not installed; bin/test installs it (Debian nodejs npm).")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=300)


def start_saml_idp(
    *, sp_metadata: bytes, key_pem: str, cert_pem: str, accounts: dict, log_path: Path, sign: str = "assertion",
    name_id_format: str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", want_signed_requests: bool = False,
    encrypt: bool = False,
) -> SamlIdp:  # fmt: skip
    node = shutil.which("node")
    if not node:
        raise SamlIdpUnavailable("node is not installed; bin/test installs it (Debian nodejs).")
    ensure_node_modules()
    sp_file = log_path.with_suffix(".sp.xml")
    sp_file.write_bytes(sp_metadata)
    argv = [node, "server.js", "--port", "0", "--sp-metadata", str(sp_file), "--sign", sign]
    argv += ["--nameid-format", name_id_format] + (["--want-signed-requests"] if want_signed_requests else [])
    argv += ["--encrypt"] if encrypt else []
    env = {**os.environ, "SAML_IDP_KEY": key_pem, "SAML_IDP_CERT": cert_pem, "SAML_IDP_ACCOUNTS": json.dumps(accounts)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=log)  # noqa: SIM115
    idp = SamlIdp("", process, log_path)
    try:
        idp.base = _read_base(process, idp)
        _wait_for_metadata(idp)
    except BaseException:
        idp.stop()
        raise
    return idp


def _read_base(process: subprocess.Popen, idp: SamlIdp) -> str:
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not line or not line[0]:
        raise SamlIdpUnavailable(f"the SAML IdP did not start: {idp.log()[-2000:]}")
    return json.loads(line[0])["base"]


def _wait_for_metadata(idp: SamlIdp) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if requests.get(idp.metadata_url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or idp.process.poll() is not None:
            raise SamlIdpUnavailable(f"the SAML IdP's metadata did not answer: {idp.log()[-2000:]}")
        time.sleep(0.1)
