"""Encryption of secrets at rest with cryptography's MultiFernet.

`GATEWAY_ENCRYPTION_KEYS` holds one or more Fernet keys, newest first: the first encrypts,
all of them decrypt, so a key can be rotated in by putting it in front and then running
`manage.py rotate_secrets`, which re-encrypts every secret under the newest key.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "GATEWAY_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each)."
        ) from exc


def fernet() -> MultiFernet:
    keys = tuple(settings.GATEWAY_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("GATEWAY_ENCRYPTION_KEYS is empty.")
    return _fernet(keys)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("a stored secret cannot be decrypted with GATEWAY_ENCRYPTION_KEYS") from exc


def rotate(token: str) -> str:
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("a stored secret cannot be decrypted with GATEWAY_ENCRYPTION_KEYS") from exc
