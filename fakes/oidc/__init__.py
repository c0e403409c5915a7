"""A configurable OpenID Provider for tests (see fakes/README.md)."""

from fakes.oidc.endpoints import DROP
from fakes.oidc.keys import SigningKey, s256
from fakes.oidc.provider import FakeOidcProvider

__all__ = ["DROP", "FakeOidcProvider", "SigningKey", "s256"]
