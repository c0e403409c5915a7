"""The one outgoing-HTTP module against a real server on 127.0.0.1: what every call to an identity provider
or to Jira is held to (timeouts, no redirects, no cookies, a size cap, metrics) and the one retry policy."""

import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import responses
from prometheus_client import REGISTRY

from sso_gateway import outgoing_http
from sso_gateway.outgoing_http import IDENTITY_PROVIDER, JIRA, RetryPolicy, retry_after_seconds
from tenants.validators import validate_outbound_url
from tests.helpers.network import Listener
from tests.helpers.tls import certificate_authority

PEERS = pytest.mark.parametrize("peer", [IDENTITY_PROVIDER, JIRA], ids=["identity provider", "jira"])


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.received.append((self.command, self.path, dict(self.headers)))
        answers = self.server.answers.get(self.path) or [Answer()]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]  # the last answer repeats
        time.sleep(answer.delay)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the client gave up on a slow answer: nothing to report


@pytest.fixture
def server():
    """A peer on 127.0.0.1: `answers[path]` is what it says, in order; `received` is what it was sent."""
    yield from _serve()


def _serve(tls: ssl.SSLContext | None = None):
    httpd = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    httpd.answers, httpd.received = {}, []
    httpd.url = f"{'https' if tls else 'http'}://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def waits(monkeypatch):
    """The backoff's waits, recorded instead of slept (the module's one sleep seam)."""
    asked: list[float] = []
    monkeypatch.setattr(outgoing_http, "_sleep", asked.append)
    return asked


def closed_port() -> int:
    with socket.socket() as probe:  # bound, never listening: a connection to it is refused
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def observed(metric: str, **labels) -> float:
    return REGISTRY.get_sample_value(f"{metric}_count", labels) or 0.0


# -- the session of each kind of peer
@PEERS
def test_a_cookie_a_peer_sets_is_never_sent_back(server, peer):
    server.answers["/a"] = [Answer(headers={"Set-Cookie": "tenant_a=secret; Path=/"})]
    outgoing_http.send(peer, "GET", server.url + "/a")
    outgoing_http.send(peer, "GET", server.url + "/a")
    assert [headers.get("Cookie") for _, _, headers in server.received] == [None, None]
    assert len(outgoing_http.session(peer).cookies) == 0


@PEERS
def test_a_redirect_is_returned_to_the_caller_never_followed(server, peer):
    server.answers["/a"] = [Answer(302, b"", {"Location": server.url + "/elsewhere"})]
    response = outgoing_http.send(peer, "GET", server.url + "/a", auth=("acme@example.com", "acme-token"))
    assert response.status_code == 302 and response.headers["Location"] == server.url + "/elsewhere"
    assert [path for _, path, _ in server.received] == ["/a"]
    assert outgoing_http.session(peer).auth is None  # credentials went with the call, not onto the session


def test_each_peer_says_who_calls_and_jira_asks_for_json(server):
    outgoing_http.send(IDENTITY_PROVIDER, "GET", server.url + "/a")
    outgoing_http.send(JIRA, "GET", server.url + "/a")
    (_, _, idp), (_, _, jira) = server.received
    assert idp["User-Agent"] == jira["User-Agent"] == "jsm-sso-gateway"
    assert (idp["Accept"], jira["Accept"]) == ("*/*", "application/json")
    assert outgoing_http.session(IDENTITY_PROVIDER) is not outgoing_http.session(JIRA)


def test_an_answer_over_the_identity_providers_one_megabyte_is_refused(server):
    server.answers["/at-cap"] = [Answer(body=b" " * (1024 * 1024))]
    server.answers["/over"] = [Answer(body=b" " * (1024 * 1024 + 1))]
    assert len(outgoing_http.send(IDENTITY_PROVIDER, "GET", server.url + "/at-cap").content) == 1024 * 1024
    with pytest.raises(outgoing_http.ResponseTooLarge) as caught:
        outgoing_http.send(IDENTITY_PROVIDER, "GET", server.url + "/over")
    assert caught.value.limit == 1024 * 1024


def test_jiras_cap_is_read_from_the_settings_at_each_call(server, settings):
    server.answers["/page"] = [Answer(body=b"x" * 4096)]
    settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES = 2048
    with pytest.raises(outgoing_http.ResponseTooLarge) as caught:
        outgoing_http.send(JIRA, "GET", server.url + "/page")
    assert caught.value.limit == 2048
    settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES = 4096
    assert outgoing_http.send(JIRA, "GET", server.url + "/page").content == b"x" * 4096


@PEERS
def test_a_slow_answer_times_out_at_the_settings_timeout(server, settings, peer):
    settings.GATEWAY_HTTP_TIMEOUT = (1.0, 0.2)
    server.answers["/slow"] = [Answer(delay=1.0)]
    started = time.perf_counter()
    with pytest.raises(outgoing_http.OutgoingTimeout) as caught:
        outgoing_http.send(peer, "GET", server.url + "/slow")
    assert caught.value.cause == "ReadTimeout" and time.perf_counter() - started < 0.9


def test_a_refused_connection_is_a_connection_failure():
    with pytest.raises(outgoing_http.OutgoingConnectionFailed) as caught:
        outgoing_http.send(JIRA, "GET", f"http://127.0.0.1:{closed_port()}/a")
    assert caught.value.cause == "ConnectionError"
    assert not isinstance(caught.value, outgoing_http.OutgoingNameNotResolved)


@responses.activate
def test_an_unknown_host_is_told_apart_and_never_retried(waits):
    url = "https://no-such-site.atlassian.net/_edge/tenant_info"
    responses.get(url, body=requests.ConnectionError("NameResolutionError: Failed to resolve 'no-such-site'"))
    with pytest.raises(outgoing_http.OutgoingNameNotResolved):
        outgoing_http.send_with_retries(JIRA, "GET", url, retry=RetryPolicy())
    assert len(responses.calls) == 1 and waits == []


def test_a_forked_process_builds_its_own_sessions(monkeypatch):
    parents = [outgoing_http.session(peer) for peer in (IDENTITY_PROVIDER, JIRA)]
    monkeypatch.setattr(outgoing_http.os, "getpid", lambda: -1)
    for peer, parent in zip((IDENTITY_PROVIDER, JIRA), parents, strict=True):
        child = outgoing_http.session(peer)
        assert child is not parent and child is outgoing_http.session(peer)


def test_proxies_from_the_environment_are_used_though_the_session_does_not_read_it(server, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)  # the local server plays the company proxy
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    outgoing_http.environment_settings.cache_clear()  # read once per process: this test changed it
    try:
        outgoing_http.send(IDENTITY_PROVIDER, "GET", "http://idp.example/.well-known/openid-configuration")
        with pytest.raises(outgoing_http.OutgoingConnectionFailed):  # NO_PROXY: straight to a closed port
            outgoing_http.send(IDENTITY_PROVIDER, "GET", f"http://127.0.0.1:{closed_port()}/a")
    finally:
        outgoing_http.environment_settings.cache_clear()
    assert [path for _, path, _ in server.received] == ["http://idp.example/.well-known/openid-configuration"]


# -- retries
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_429_is_retried_after_the_seconds_retry_after_asks(server, waits, method):
    server.answers["/a"] = [Answer(429, b"", {"Retry-After": "7"}), Answer(200)]
    response = outgoing_http.send_with_retries(JIRA, method, server.url + "/a", retry=RetryPolicy())
    assert response.status_code == 200 and waits == [7.0] and len(server.received) == 2


def test_429_is_retried_at_the_http_date_retry_after_names(server, waits):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    server.answers["/a"] = [Answer(429, b"", {"Retry-After": when}), Answer(200)]
    response = outgoing_http.send_with_retries(JIRA, "GET", server.url + "/a", retry=RetryPolicy())
    assert response.status_code == 200 and len(waits) == 1 and 3.5 <= waits[0] <= 5.0


def test_a_post_is_not_retried_on_500_but_a_get_is(server, waits):
    server.answers["/post"] = [Answer(500), Answer(200)]
    server.answers["/get"] = [Answer(500), Answer(200)]
    response = outgoing_http.send_with_retries(JIRA, "POST", server.url + "/post", retry=RetryPolicy())
    assert response.status_code == 500 and len(server.received) == 1 and waits == []
    response = outgoing_http.send_with_retries(JIRA, "GET", server.url + "/get", retry=RetryPolicy())
    assert response.status_code == 200 and len(server.received) == 3 and len(waits) == 1
    assert 0.7 * 5 <= waits[0] <= 1.3 * 5


def test_a_timeout_is_retried_for_a_get_not_for_a_post(server, settings, waits):
    settings.GATEWAY_HTTP_TIMEOUT = (2.0, 1.0)  # room for a loaded CI machine to answer the second try in time
    server.answers["/a"] = [Answer(delay=2.5), Answer(200)]
    assert outgoing_http.send_with_retries(JIRA, "GET", server.url + "/a", retry=RetryPolicy()).status_code == 200
    assert len(waits) == 1
    server.answers["/b"] = [Answer(delay=2.5), Answer(200)]
    with pytest.raises(outgoing_http.OutgoingTimeout):
        outgoing_http.send_with_retries(JIRA, "POST", server.url + "/b", retry=RetryPolicy())
    assert len(waits) == 1


def test_503_is_retried_max_retries_times_with_backoff_then_returned(server, waits):
    server.answers["/a"] = [Answer(503)]
    response = outgoing_http.send_with_retries(JIRA, "GET", server.url + "/a", retry=RetryPolicy())
    assert response.status_code == 503 and len(server.received) == 5  # Atlassian: at most 4 retries
    for wait, base in zip(waits, [5, 10, 20, 30], strict=True):
        assert 0.7 * base <= wait <= 1.3 * base


def test_a_wait_longer_than_max_wait_is_not_waited_out(server, waits):
    server.answers["/a"] = [Answer(429, b"", {"Retry-After": "600"}), Answer(200)]
    response = outgoing_http.send_with_retries(JIRA, "GET", server.url + "/a", retry=RetryPolicy(max_wait=60))
    assert response.status_code == 429 and len(server.received) == 1 and waits == []


def test_backoff_doubles_from_start_up_to_the_cap_with_jitter(monkeypatch):
    steady = RetryPolicy(start=5.0, cap=30.0, jitter=(1.0, 1.0))
    assert [steady.delay(attempt, None) for attempt in range(6)] == [5.0, 10.0, 20.0, 30.0, 30.0, 30.0]
    assert RetryPolicy(start=30, cap=1800, jitter=(1.0, 1.0)).delay(10, None) == 1800
    monkeypatch.setattr(outgoing_http.random, "uniform", lambda low, high: high)
    assert [RetryPolicy().delay(attempt, None) for attempt in range(4)] == [6.5, 13.0, 26.0, 39.0]
    monkeypatch.setattr(outgoing_http.random, "uniform", lambda low, high: low)
    assert RetryPolicy().delay(0, None) == 3.5


def test_retry_after_is_waited_in_full_even_beyond_the_cap_at_every_attempt(server, waits):
    """The cap bounds the client's own guess, never the peer's hint (Jira Cloud platform, "Rate limiting")."""
    server.answers["/a"] = [
        Answer(429, b"", {"Retry-After": "45"}),
        Answer(503, b"", {"Retry-After": "2"}),
        Answer(429, b"", {"Retry-After": "50"}),
        Answer(200),
    ]
    response = outgoing_http.send_with_retries(JIRA, "GET", server.url + "/a", retry=RetryPolicy(cap=30.0))
    assert response.status_code == 200 and waits == [45.0, 2.0, 50.0] and len(server.received) == 4


def test_retry_after_and_x_ratelimit_reset_are_understood():
    assert retry_after_seconds({"Retry-After": "7"}) == 7.0
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0  # a date gone by
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({"X-RateLimit-Reset": "2999-01-01T00:00:00Z"}) > 0
    assert retry_after_seconds({"X-RateLimit-Reset": "2000-01-01T00:00:00Z"}) == 0
    assert retry_after_seconds({}) is None


# -- metrics
def test_each_call_is_observed_under_its_peers_metric(server):
    idp = "gateway_idp_request_seconds"
    what = "discovery document (metrics test)"
    server.answers["/500"] = [Answer(500)]
    server.answers["/429"] = [Answer(429)]
    server.answers["/big"] = [Answer(body=b" " * (1024 * 1024 + 1))]
    before = {
        "ok": observed(idp, endpoint=what, outcome="ok"),
        "big": observed(idp, endpoint=what, outcome="ProviderMisbehaved"),
        "500": observed("gateway_jira_request_seconds", method="PUT", status="500"),
        "429": observed("gateway_jira_request_seconds", method="PUT", status="429"),
        "limited": REGISTRY.get_sample_value("gateway_jira_rate_limited_total") or 0.0,
    }
    outgoing_http.send(IDENTITY_PROVIDER, "GET", server.url + "/500", what=what)  # an answer: ok
    with pytest.raises(outgoing_http.ResponseTooLarge):
        outgoing_http.send(IDENTITY_PROVIDER, "GET", server.url + "/big", what=what)
    outgoing_http.send(JIRA, "PUT", server.url + "/500")
    outgoing_http.send(JIRA, "PUT", server.url + "/429")
    assert observed(idp, endpoint=what, outcome="ok") == before["ok"] + 1
    assert observed(idp, endpoint=what, outcome="ProviderMisbehaved") == before["big"] + 1
    assert observed("gateway_jira_request_seconds", method="PUT", status="500") == before["500"] + 1
    assert observed("gateway_jira_request_seconds", method="PUT", status="429") == before["429"] + 1
    assert REGISTRY.get_sample_value("gateway_jira_rate_limited_total") == before["limited"] + 1


def test_a_failed_call_is_observed_with_the_failures_name(server, settings):
    settings.GATEWAY_HTTP_TIMEOUT = (1.0, 0.2)
    server.answers["/slow"] = [Answer(delay=0.5)]
    what = "token endpoint (metrics test)"
    before = observed("gateway_idp_request_seconds", endpoint=what, outcome="ReadTimeout")
    jira_before = observed("gateway_jira_request_seconds", method="DELETE", status="ReadTimeout")
    for peer, method in ((IDENTITY_PROVIDER, "GET"), (JIRA, "DELETE")):
        with pytest.raises(outgoing_http.OutgoingTimeout):
            outgoing_http.send(peer, method, server.url + "/slow", what=what)
    assert observed("gateway_idp_request_seconds", endpoint=what, outcome="ReadTimeout") == before + 1
    assert observed("gateway_jira_request_seconds", method="DELETE", status="ReadTimeout") == jira_before + 1


# -- where a call may go: never inside the gateway's own network (sso_gateway.destinations)
PUBLIC = "93.184.215.14"  # any public address: nothing here connects to it


@pytest.fixture
def production_rules(settings, fake_dns):
    """The rules production runs under (the suite turns them off: every fake listens on 127.0.0.1)."""
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    settings.GATEWAY_OUTBOUND_ALLOW = []
    settings.GATEWAY_HTTP_TIMEOUT = (0.5, 0.5)  # were a refused call to connect, the test would not wait long
    return fake_dns


@pytest.fixture
def listener():
    port = Listener()
    yield port
    port.close()


@pytest.fixture
def proxy_environment(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    outgoing_http.environment_settings.cache_clear()  # read once per process: the test changes it
    yield monkeypatch
    outgoing_http.environment_settings.cache_clear()


@PEERS
def test_a_name_that_resolves_inside_at_connect_time_is_refused_though_validation_passed(
    peer, production_rules, listener, waits
):
    """DNS rebinding: the name is public while an admin's form is checked, 127.0.0.1 when the gateway calls."""
    production_rules.answers["idp.rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    url = f"https://idp.rebind.example:{listener.port}/token"
    validate_outbound_url(url)
    with pytest.raises(outgoing_http.OutgoingDestinationRefused) as caught:
        outgoing_http.send_with_retries(peer, "POST", url, retry=RetryPolicy(), auth=("svc@acme.example", "s3cret"))
    assert "idp.rebind.example resolves to 127.0.0.1, a loopback address" in str(caught.value)
    assert listener.connections() == []  # no byte, so no credentials
    assert waits == [] and caught.value.cause == "DestinationRefused"  # no use asking again


@pytest.mark.parametrize(
    "answer",
    [["169.254.169.254"], [PUBLIC, "10.0.0.5"], ["::ffff:127.0.0.1"], ["64:ff9b::a9fe:a9fe"], ["fd00::1", PUBLIC]],
    ids=["cloud metadata", "one private among public", "IPv4-mapped loopback", "NAT64 metadata", "ULA first"],
)
def test_every_address_a_name_resolves_to_is_checked(answer, production_rules, listener):
    production_rules.answers["jira.attacker.example"] = answer
    with pytest.raises(outgoing_http.OutgoingDestinationRefused):
        outgoing_http.send(JIRA, "GET", f"http://jira.attacker.example:{listener.port}/rest/api/3/myself")
    assert listener.connections() == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/", "http://[::1]:{port}/", "http://localhost:{port}/"])
def test_an_internal_address_in_the_url_itself_is_refused(url, production_rules, listener):
    with pytest.raises(outgoing_http.OutgoingDestinationRefused):
        outgoing_http.send(IDENTITY_PROVIDER, "GET", url.format(port=listener.port))
    assert listener.connections() == []


@pytest.mark.parametrize("allowed", [["127.0.0.1/32"], ["127.0.0.0/8", "10.0.0.0/8"], ["JIRA.corp.example"]])
def test_the_allow_list_lets_a_listed_host_through_to_the_address_that_was_checked(
    allowed, server, settings, production_rules
):
    """The name resolves only in the test's table, never in the system's: that the call arrives proves the
    socket went to the checked address, and the Host header still names the host."""
    settings.GATEWAY_OUTBOUND_ALLOW = allowed
    production_rules.answers["jira.corp.example"] = ["127.0.0.1"]
    port = server.server_address[1]
    assert outgoing_http.send(JIRA, "GET", f"http://jira.corp.example:{port}/a").status_code == 200
    [(_, path, headers)] = server.received
    assert path == "/a" and headers["Host"] == f"jira.corp.example:{port}"
    assert production_rules.asked.count("jira.corp.example") == 1
    settings.GATEWAY_OUTBOUND_ALLOW = ["10.0.0.0/8", "other.corp.example"]  # neither the name nor the address
    production_rules.answers["wiki.corp.example"] = ["127.0.0.1"]
    with pytest.raises(outgoing_http.OutgoingDestinationRefused):
        outgoing_http.send(JIRA, "GET", f"http://wiki.corp.example:{port}/b")
    assert len(server.received) == 1


def test_tls_still_checks_the_url_host_name_on_the_checked_address(tmp_path, settings, production_rules, monkeypatch):
    """SNI and the certificate check use the name from the URL, though the socket went to an address."""
    authority = certificate_authority(tmp_path, host="jira.corp.example")
    names: list[str] = []
    authority.server.sni_callback = lambda sock, name, context: names.append(name)
    httpd = _serve(authority.server)
    server = next(httpd)
    port = server.server_address[1]
    settings.GATEWAY_OUTBOUND_ALLOW = ["127.0.0.1/32"]
    production_rules.answers["jira.corp.example"] = ["127.0.0.1"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(authority.ca_file))
    outgoing_http.environment_settings.cache_clear()
    try:
        assert outgoing_http.send(JIRA, "GET", f"https://jira.corp.example:{port}/a").status_code == 200
        assert names == ["jira.corp.example"] and server.received[0][2]["Host"] == f"jira.corp.example:{port}"
        with pytest.raises(outgoing_http.OutgoingConnectionFailed):  # the certificate does not name 127.0.0.1
            outgoing_http.send(JIRA, "GET", f"https://127.0.0.1:{port}/a")
    finally:
        outgoing_http.environment_settings.cache_clear()
        next(httpd, None)


def test_through_a_proxy_the_targets_name_is_checked_as_it_resolves_here(server, production_rules, proxy_environment):
    """The proxy (the operator's, on 127.0.0.1 here) is reached; a target inside is refused before it is asked,
    and a name only the proxy can resolve is left to it."""
    proxy_environment.setenv("HTTP_PROXY", server.url)
    production_rules.answers["jira.attacker.example"] = ["10.0.0.5"]
    for url in ("http://jira.attacker.example/rest/api/3/myself", "http://169.254.169.254/latest/meta-data/"):
        with pytest.raises(outgoing_http.OutgoingDestinationRefused):
            outgoing_http.send(JIRA, "GET", url)
    outgoing_http.send(IDENTITY_PROVIDER, "GET", "http://idp.example/.well-known/openid-configuration")
    assert [path for _, path, _ in server.received] == ["http://idp.example/.well-known/openid-configuration"]


def test_a_refused_call_is_observed_under_its_own_name(production_rules):
    what = "discovery document (refusal metrics test)"
    before = observed("gateway_idp_request_seconds", endpoint=what, outcome="OutgoingDestinationRefused")
    with pytest.raises(outgoing_http.OutgoingDestinationRefused):
        outgoing_http.send(IDENTITY_PROVIDER, "GET", "https://169.254.169.254/", what=what)
    after = observed("gateway_idp_request_seconds", endpoint=what, outcome="OutgoingDestinationRefused")
    assert after == before + 1
