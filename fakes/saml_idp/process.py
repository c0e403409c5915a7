"""Start and stop the samlify test identity provider (server.js) from Python, on a free port of 127.0.0.1.

Node prints one JSON line when it listens (`{"base": ..., "port": ...}`); we then wait until its
metadata answers. The caller makes the signing key and certificate (so a test knows what to trust) and
gives the gateway's SP metadata as a file, which samlify imports as an IdP would.
"""

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import requests

from fakes import node

HERE = Path(__file__).resolve().parent
START_TIMEOUT = node.START_TIMEOUT
PROBE = "samlify"


class SamlIdpUnavailable(RuntimeError):
    """Node, the npm packages or the identity provider itself could not be started."""


@dataclass
class SamlIdp(node.NodeProcess):
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


def ensure_node_modules() -> None:
    """`bin/test` runs `npm ci` already; this covers a bare `pytest` on a fresh checkout."""
    node.ensure_node_modules(HERE, PROBE, SamlIdpUnavailable)


def start_saml_idp(
    *, sp_metadata: bytes, key_pem: str, cert_pem: str, accounts: dict, log_path: Path, sign: str = "assertion",
    name_id_format: str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", want_signed_requests: bool = False,
    encrypt: bool = False,
) -> SamlIdp:  # fmt: skip
    node.find_node(SamlIdpUnavailable)  # before writing anything
    sp_file = log_path.with_suffix(".sp.xml")
    sp_file.write_bytes(sp_metadata)
    args = ["server.js", "--port", "0", "--sp-metadata", str(sp_file), "--sign", sign]
    args += ["--nameid-format", name_id_format] + (["--want-signed-requests"] if want_signed_requests else [])
    args += ["--encrypt"] if encrypt else []
    env = {**os.environ, "SAML_IDP_KEY": key_pem, "SAML_IDP_CERT": cert_pem, "SAML_IDP_ACCOUNTS": json.dumps(accounts)}
    process, started = node.start_node(
        HERE, args, env=env, log_path=log_path, probe=PROBE, error=SamlIdpUnavailable, name="the SAML IdP",
        timeout=START_TIMEOUT,
    )  # fmt: skip
    idp = SamlIdp(started["base"], process, log_path)
    try:
        node.wait_until_ok(
            idp.metadata_url, process, log_path=log_path, failure="the SAML IdP's metadata did not answer",
            error=SamlIdpUnavailable, timeout=START_TIMEOUT,
        )  # fmt: skip
    except BaseException:
        idp.stop()
        raise
    return idp
