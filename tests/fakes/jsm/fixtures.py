"""Pytest fixtures of the jsm fake (loaded for every test by tests/conftest.py). See README.md."""

import pytest

from tests.fakes.jsm.server import FakeJSM

SERVICE_EMAIL = "gateway@example.com"


@pytest.fixture(autouse=True)
def jira_sleeps(monkeypatch):
    """The Jira client's backoff (sso_gateway.outgoing_http's one sleep) never really sleeps in tests; the waits
    it asked for are recorded here."""
    waits: list[float] = []
    monkeypatch.setattr("sso_gateway.outgoing_http._sleep", waits.append)
    return waits


@pytest.fixture
def fake_jsm_factory(settings):
    """Start any number of fake Jira sites; all stop at teardown. The last one serves scoped tokens."""
    started = []

    def start(**kwargs) -> FakeJSM:
        fake = FakeJSM.start(**kwargs)
        started.append(fake)
        settings.GATEWAY_ATLASSIAN_API_URL = fake.api_url
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture
def fake_jsm(fake_jsm_factory) -> FakeJSM:
    """One fake Jira site on 127.0.0.1 (no accounts, no desks yet); also the api.atlassian.com stand-in."""
    return fake_jsm_factory()


def connect(tenant, fake: FakeJSM, *, scoped: bool = False, admin: bool = True, token: str | None = None):
    """A JiraConnection of `tenant` pointing at `fake`, with a freshly generated token the fake accepts."""
    import secrets

    from tenants.models import JiraConnection

    token = token or f"test-{secrets.token_urlsafe(16)}"
    email = f"{tenant.slug}-{'svc' if scoped else 'admin'}@example.com"
    fake.add_account(email=email, token=token, scoped=scoped, admin=admin)
    return JiraConnection.objects.create(
        tenant=tenant,
        site_url=fake.url,
        email=email,
        api_token=token,
        auth_mode=JiraConnection.AuthMode.SCOPED if scoped else JiraConnection.AuthMode.CLASSIC,
    )


@pytest.fixture
def jira(tenant, fake_jsm):
    """`tenant` connected (classic token, administrator) to `fake_jsm`."""
    return connect(tenant, fake_jsm)
