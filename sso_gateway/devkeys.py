"""Keys for the development default, generated once and kept in `var/` (never committed).

A development install must keep the same encryption key across runs, or the secrets it
saved yesterday could not be read today. Production never reaches this module.
"""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def django_key() -> str:
    return secrets.token_urlsafe(50)


def fernet_key() -> str:
    return Fernet.generate_key().decode()


def rsa_private_key_pem() -> str:
    """A fresh 2048-bit RSA key in PKCS#8 PEM: what the demo identity provider signs ID tokens with (RS256)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def load_or_create(var_dir: Path, name: str, make) -> str:
    path = Path(var_dir) / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = make()
        # O_EXCL: two processes starting at once agree on one key.
        try:
            with open(path, "x") as handle:
                handle.write(value)
            path.chmod(0o600)
        except FileExistsError:
            return path.read_text().strip()
        return value


def demo_password() -> str:
    return secrets.token_urlsafe(12)
