"""A configurable OpenID Provider for tests (see tests/fakes/README.md)."""

from tests.fakes.oidc.endpoints import DROP
from tests.fakes.oidc.keys import SigningKey, s256
from tests.fakes.oidc.provider import FakeOidcProvider

__all__ = ["DROP", "FakeOidcProvider", "SigningKey", "s256"]
