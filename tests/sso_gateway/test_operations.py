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
