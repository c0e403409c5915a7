"""The demo identity provider's signing key, generated once into var/ (never committed).

Imported by settings.py (demo block), so it must not touch Django: only `cryptography`.
"""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def rsa_private_key_pem() -> str:
    """A fresh 2048-bit RSA key in PKCS#8 PEM: what django-oauth-toolkit signs ID tokens with (RS256)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()
