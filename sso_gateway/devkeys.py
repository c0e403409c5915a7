"""Keys for the development default, generated once and kept in `var/` (never committed).

A development install must keep the same encryption key across runs, or the secrets it
saved yesterday could not be read today. Production never reaches this module.
"""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def django_key() -> str:
    return secrets.token_urlsafe(50)


def fernet_key() -> str:
    return Fernet.generate_key().decode()


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
