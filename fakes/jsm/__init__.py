"""A stateful fake of Jira Service Management + the Jira platform API for tests and the demo (README.md)."""

from fakes.jsm.server import FakeJSM

__all__ = ["FakeJSM"]
