"""Health endpoints, request ids and log lines that carry context but never a secret."""

import json
import logging

import pytest

from sso_gateway.logfilters import JsonFormatter, RedactSecretsFilter, redact
from sso_gateway.requestcontext import RequestContextFilter


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "ok" and body["broker"] in {"ok", "in-process"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    from sso_gateway.celery import app

    previous = app.conf.broker_url
    settings.CELERY_BROKER_URL = app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503 and response.json()["broker"] == "down"


def test_a_request_id_is_returned_and_a_sane_incoming_one_is_kept(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 16
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")["X-Request-ID"] == "abc123def456"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


@pytest.mark.parametrize(
    "text",
    [
        "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl in a message",
        "POST body client_secret=s3cr3t-value&code=abc",
        'headers {"Authorization": "Basic c3ZjOnRva2Vu"}',
        "jira token ATATT3xFfGF0abcdefghijklmnop",
    ],
)
def test_secrets_are_redacted_from_log_lines(text):
    cleaned = redact(text)
    for secret in ("c2lnbmF0dXJl", "s3cr3t-value", "c3ZjOnRva2Vu", "ATATT3xFfGF0abcdefghijklmnop"):
        assert secret not in cleaned


def test_json_log_lines_carry_request_id_tenant_and_extras():
    record = logging.makeLogRecord(
        {"name": "gw", "levelname": "INFO", "levelno": 20, "msg": "sign-in %s code=abc", "args": ("ok",)}
    )
    record.outcome = "success"
    for log_filter in (RequestContextFilter(), RedactSecretsFilter()):
        log_filter.filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "sign-in ok code=[redacted]"
    assert line["outcome"] == "success" and line["request_id"] == "-" and line["tenant"] == "-"


@pytest.mark.django_db
def test_metrics_are_served_to_loopback_and_refused_elsewhere(client, settings):
    settings.GATEWAY_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.4").status_code == 403
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"# HELP gateway_signins_total" in response.content


@pytest.mark.django_db
def test_metrics_need_the_bearer_token_when_one_is_set(client, settings):
    settings.GATEWAY_METRICS_TOKEN = "scrape-token-for-tests"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-for-tests").status_code == 200


@pytest.mark.django_db
def test_metrics_count_sign_ins_idp_calls_jira_calls_and_syncs(client, tenant, oidc_provider, fake_jsm):
    from sso_gateway.metrics import IDP_REQUESTS, JIRA_REQUESTS, SIGNINS, SYNC_RUNS
    from tenants.services import service_desks_sync
    from tests.factories import provider_at
    from tests.fixtures.jsm import connect
    from tests.helpers.signin import sign_in

    def count(histogram_child):
        return sum(bucket.get() for bucket in histogram_child._buckets)

    syncs_before = count(SYNC_RUNS.labels("success"))
    before = SIGNINS.labels("acme", "fake", "success", "-")._value.get()
    idp = provider_at(oidc_provider, tenant=tenant, slug="fake")
    sign_in(client, idp.login_path(), oidc_provider)
    assert SIGNINS.labels("acme", "fake", "success", "-")._value.get() == before + 1
    assert IDP_REQUESTS.labels("token endpoint", "ok")._sum.get() > 0

    fake_jsm.state.add_service_desks(2)
    connect(tenant, fake_jsm)
    service_desks_sync(tenant=tenant)
    assert JIRA_REQUESTS.labels("GET", "200")._sum.get() > 0
    assert count(SYNC_RUNS.labels("success")) == syncs_before + 1
    body = client.get("/metrics").content.decode()
    for name in ("gateway_signins_total", "gateway_idp_request_seconds", "gateway_jira_request_seconds",
                 "gateway_sync_seconds", "gateway_celery_queue_depth"):  # fmt: skip
        assert name in body, name


@pytest.mark.django_db
def test_each_request_is_one_log_line_with_its_outcome_but_no_query(client, caplog):
    caplog.set_level(logging.INFO, logger="gateway.request")
    client.get("/acme/oidc/idp/callback/?code=secret-code&state=s", HTTP_X_REQUEST_ID="req-12345678")
    [record] = [r for r in caplog.records if r.name == "gateway.request"]
    RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["outcome"] == "client_error" and line["status"] == 404 and "duration_ms" in line
    assert "secret-code" not in json.dumps(line) and line["message"].startswith("GET /acme/oidc/idp/callback/")
