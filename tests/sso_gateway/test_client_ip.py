"""Behind a same-host proxy every request has REMOTE_ADDR 127.0.0.1: the client is what the proxy reports.

Each test sends what nginx on the gateway's host would send (REMOTE_ADDR 127.0.0.1 and an X-Real-IP or
X-Forwarded-For header), or what a client that tries to write that header itself would send.
"""

import logging

import pytest
from django.test import Client, RequestFactory

from sso_gateway import clientip
from sso_gateway.clientip import client_address, client_ip
from tests.factories import IdentityProviderFactory, UserFactory

PROXY = "127.0.0.1"


@pytest.fixture
def behind_nginx(settings):
    settings.GATEWAY_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.GATEWAY_TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128"]
    settings.GATEWAY_BEHIND_PROXY = True


@pytest.fixture
def warnings_now(monkeypatch, caplog):
    """The once-a-minute warning, due now; its records."""
    monkeypatch.setattr(clientip, "_last_warning", None)
    caplog.set_level(logging.WARNING, logger="gateway.clientip")
    return caplog


def request_from(remote_addr=PROXY, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def test_the_proxys_header_is_the_client(behind_nginx):
    assert client_address(request_from(HTTP_X_REAL_IP="203.0.113.5")) == clientip.ClientAddress("203.0.113.5", "proxy")
    assert client_ip(request_from(HTTP_X_REAL_IP="::ffff:203.0.113.5")) == "203.0.113.5"


def test_a_client_that_reaches_the_gateway_directly_cannot_choose_its_address(behind_nginx):
    spoofed = request_from("198.51.100.23", HTTP_X_REAL_IP="10.20.0.5")
    assert client_address(spoofed) == clientip.ClientAddress("198.51.100.23", "peer")


def test_x_forwarded_for_is_read_from_the_right_skipping_trusted_proxies(behind_nginx, settings):
    settings.GATEWAY_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.GATEWAY_TRUSTED_PROXIES = ["127.0.0.1/32", "10.9.0.0/16"]  # nginx here, a load balancer in 10.9/16
    # The client wrote "127.0.0.1" itself; the load balancer appended the client, nginx the load balancer.
    forged = request_from(HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9, 10.9.0.4")
    assert client_ip(forged) == "203.0.113.9"
    assert client_ip(request_from(HTTP_X_FORWARDED_FOR="10.9.0.4")) == "10.9.0.4"  # the load balancer's own probe


@pytest.mark.parametrize(
    "header", [{}, {"HTTP_X_REAL_IP": ""}, {"HTTP_X_REAL_IP": "<script>"}, {"HTTP_X_REAL_IP": "1.2.3"}]
)
def test_a_proxied_request_without_a_usable_header_is_marked_and_logged(behind_nginx, warnings_now, header):
    address = client_address(request_from(**header))
    assert address == clientip.ClientAddress(PROXY, "unresolved")
    [record] = warnings_now.records
    assert "no usable HTTP_X_REAL_IP header" in record.getMessage()


def test_the_missing_header_warning_is_logged_once_a_minute_not_per_request(behind_nginx, warnings_now, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(clientip.time, "monotonic", lambda: now[0])
    for _ in range(50):
        client_ip(request_from())
    now[0] += 61
    client_ip(request_from())
    assert len(warnings_now.records) == 2


@pytest.mark.django_db
def test_61_sign_in_starts_from_61_clients_behind_the_proxy_are_not_limited_as_one(
    behind_nginx, tenant, factory_idp_discovered
):
    start = IdentityProviderFactory(tenant=tenant, slug="sso").login_path()
    statuses = {Client().get(start, HTTP_X_REAL_IP=f"198.51.100.{n}").status_code for n in range(1, 62)}
    assert statuses == {302}
    one_client = [Client().get(start, HTTP_X_REAL_IP="203.0.113.7").status_code for _ in range(61)]
    assert one_client[-1] == 429  # the per-client rate (60/m) holds for each of them


@pytest.mark.django_db
def test_five_bad_admin_passwords_from_another_client_do_not_lock_out_the_operator(behind_nginx, settings):
    UserFactory(username="ops", is_staff=True, is_superuser=True, password="right-password-123")
    attacker = Client(HTTP_X_REAL_IP="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/admin/login/", {"username": "ops", "password": "guess"})
    right = {"username": "ops", "password": "right-password-123"}
    assert attacker.post("/admin/login/", right).status_code == 429
    assert Client(HTTP_X_REAL_IP="198.51.100.20").post("/admin/login/", right).status_code == 302


def test_axes_and_the_rate_limits_ask_the_same_function():
    from django.conf import settings

    from providers.oidc import limits

    assert settings.AXES_CLIENT_IP_CALLABLE == "sso_gateway.clientip.client_ip"
    assert limits.client_ip is client_ip


@pytest.mark.django_db
def test_metrics_allow_list_matches_the_client_never_the_proxy(behind_nginx, settings, warnings_now):
    settings.GATEWAY_METRICS_TOKEN = ""
    settings.GATEWAY_METRICS_ALLOW = ["127.0.0.1/32", "10.20.0.0/24"]
    client = Client()
    assert client.get("/metrics").status_code == 403  # through the proxy without the header: could be anyone
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.50").status_code == 403
    assert client.get("/metrics", HTTP_X_REAL_IP="10.20.0.5").status_code == 200
    assert client.get("/metrics", HTTP_X_REAL_IP="127.0.0.1").status_code == 200  # nginx says: a scrape on this host


@pytest.mark.django_db
def test_metrics_with_a_token_and_an_allow_list_need_both(client, settings):
    settings.GATEWAY_METRICS_TOKEN = "scrape-token-for-tests-0123456789abcdef"
    settings.GATEWAY_METRICS_ALLOW = ["10.20.0.0/24"]
    bearer = {"HTTP_AUTHORIZATION": "Bearer scrape-token-for-tests-0123456789abcdef"}
    assert client.get("/metrics", **bearer).status_code == 403  # from 127.0.0.1, outside the allow-list
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.9").status_code == 403  # inside it, no token
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.9", **bearer).status_code == 200


@pytest.mark.django_db
def test_metrics_with_neither_token_nor_allow_list_are_served_to_nobody(client, settings):
    settings.GATEWAY_METRICS_TOKEN = ""
    settings.GATEWAY_METRICS_ALLOW = []
    assert client.get("/metrics").status_code == 403
