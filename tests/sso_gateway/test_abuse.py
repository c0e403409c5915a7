"""Admin sign-in lockout (django-axes) and the one way the gateway reads a client's address."""

import pytest
from django.test import RequestFactory

from sso_gateway.clientip import client_ip
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_admin_login_locks_after_repeated_failures_even_with_the_right_password(client, settings):
    UserFactory(username="ops", is_staff=True, is_superuser=True, password="right-password-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/admin/login/", {"username": "ops", "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = client.post("/admin/login/", {"username": "ops", "password": "right-password-123"})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # Another address is not locked out by this one's failures.
    other = client.post(
        "/admin/login/", {"username": "ops", "password": "right-password-123"}, REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_successful_admin_login_resets_the_failure_count(client, settings):
    UserFactory(username="ops", is_staff=True, is_superuser=True, password="right-password-123")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/", {"username": "ops", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "ops", "password": "right-password-123"}).status_code == 302
    client.logout()
    client.post("/admin/login/", {"username": "ops", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "ops", "password": "right-password-123"}).status_code == 302


def test_the_client_ip_is_remote_addr_unless_a_proxy_header_is_configured(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.5")
    settings.GATEWAY_CLIENT_IP_HEADER = ""
    assert client_ip(request) == "10.0.0.2"
    settings.GATEWAY_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(request) == "203.0.113.5"
    forwarded = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.6")
    settings.GATEWAY_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_ip(forwarded) == "203.0.113.6"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="<script>")
    settings.GATEWAY_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(garbage) == "10.0.0.2"
