"""Session lifetimes: an admin's session ends with the browser, a customer's after a set time.

Read from what the browser is told (the session cookie's Max-Age / Expires) and what the server keeps
(the session row's expiry): a stolen or forgotten cookie is only worth as long as both allow.
"""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from tests.factories import UserFactory, provider_at
from tests.helpers.signin import sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "right-password-123"


@pytest.fixture
def ops(db):
    return UserFactory(username="ops", is_staff=True, is_superuser=True, password=PASSWORD)


def admin_login(client):
    response = client.post("/admin/login/?next=/admin/", {"username": "ops", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    return response


def session_cookie(client, response, settings):
    return response.cookies[settings.SESSION_COOKIE_NAME]


def server_expiry(client) -> timedelta:
    row = Session.objects.get(session_key=client.cookies["sessionid"].value)
    return row.expire_date - timezone.now()


def test_an_admin_session_cookie_ends_with_the_browser(client, ops, settings):
    cookie = session_cookie(client, admin_login(client), settings)
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert server_expiry(client) <= timedelta(seconds=settings.GATEWAY_ADMIN_SESSION_SECONDS)
    assert settings.GATEWAY_ADMIN_SESSION_SECONDS <= 12 * 3600  # OWASP ASVS 3.3.2


def test_a_customer_session_lasts_the_customer_lifetime_not_two_weeks(client, tenant, oidc_provider, settings):
    settings.GATEWAY_CUSTOMER_SESSION_SECONDS = 3600
    idp = provider_at(oidc_provider, tenant=tenant, slug="fake")
    done = sign_in(client, idp.login_path(), oidc_provider)
    cookie = session_cookie(client, done.response, settings)
    assert cookie["max-age"] == 3600
    assert timedelta(minutes=59) < server_expiry(client) <= timedelta(hours=1)


def test_the_default_customer_lifetime_is_a_working_day(settings):
    assert settings.GATEWAY_CUSTOMER_SESSION_SECONDS == 8 * 3600


def test_a_customer_signing_in_does_not_stretch_an_admins_browser_session(client, ops, tenant, oidc_provider, settings):
    admin_login(client)
    idp = provider_at(oidc_provider, tenant=tenant, slug="fake")
    done = sign_in(client, idp.login_path(), oidc_provider)
    assert session_cookie(client, done.response, settings)["max-age"] == ""
    assert client.get("/admin/").status_code == 200  # still the admin


def test_an_admin_signing_in_ends_a_customers_session_with_the_browser(client, ops, tenant, oidc_provider, settings):
    idp = provider_at(oidc_provider, tenant=tenant, slug="fake")
    sign_in(client, idp.login_path(), oidc_provider)
    cookie = session_cookie(client, admin_login(client), settings)
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_a_customer_session_past_its_lifetime_is_signed_out(client, tenant, oidc_provider):
    idp = provider_at(oidc_provider, tenant=tenant, slug="fake")
    sign_in(client, idp.login_path(), oidc_provider)
    assert client.get("/acme/account/").status_code == 200
    expired = timezone.now() - timedelta(seconds=1)  # the server's expiry, as the lifetime set it, has passed
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=expired)
    cache.delete(f"{cached_db.KEY_PREFIX}{key}")  # with Redis (cached_db), its copy expires with it
    assert client.get("/acme/account/").status_code == 302  # back through sign-in
