"""Fixtures of the tenants tests: a second tenant on its own fake Jira site."""

import pytest

from tests.fixtures.jsm import connect


@pytest.fixture
def other_site(other_tenant, fake_jsm_factory):
    """`other_tenant` connected to a second fake Jira site (same desk ids possible, different data)."""
    fake = fake_jsm_factory()
    connect(other_tenant, fake)
    return fake
