"""Signing keys of the fake OpenID Provider, generated fresh for every provider (never stored anywhere).

A key knows its `kid`, its JWS algorithm and how to publish its public half as a JWK (RFC 7517), so the
provider can serve a JWKS and sign ID tokens with PyJWT.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

SUPPORTED_ALGORITHMS = ("RS256", "PS256", "ES256")


@dataclass
class SigningKey:
    alg: str
    private_key: object = field(repr=False)
    kid: str = field(default_factory=lambda: f"k-{secrets.token_hex(6)}")

    @classmethod
    def generate(cls, alg: str = "RS256", *, kid: str | None = None) -> "SigningKey":
        if alg not in SUPPORTED_ALGORITHMS:
            raise ValueError(f"the fake signs with {', '.join(SUPPORTED_ALGORITHMS)}, not {alg}")
        if alg == "ES256":
            private = ec.generate_private_key(ec.SECP256R1())
        else:
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(alg=alg, private_key=private, kid=kid or f"k-{secrets.token_hex(6)}")

    def public_jwk(self) -> dict:
        """The public half as published in the JWKS: kty, n/e or crv/x/y, plus kid, alg and use."""
        algorithm = ECAlgorithm if self.alg == "ES256" else RSAAlgorithm
        jwk = algorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": self.alg, "use": "sig"})
        return jwk

    def sign(self, payload: dict, *, headers: dict | None = None) -> str:
        return jwt.encode(payload, self.private_key, algorithm=self.alg, headers=headers)


def token_hash(value: str) -> str:
    """at_hash / c_hash (OIDC Core 3.1.3.6): left half of the SHA-256 of the ASCII value, base64url."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
    """PKCE S256 (RFC 7636 4.2): BASE64URL(SHA256(ASCII(code_verifier)))."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
