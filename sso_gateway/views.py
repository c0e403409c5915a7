"""Operations endpoints: liveness, readiness (database, cache, broker) and the Prometheus scrape path."""

import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse

from sso_gateway.clientip import client_address
from sso_gateway.metrics import exposition
from sso_gateway.netconf import address_in

logger = logging.getLogger(__name__)


_FAVICON = Path(__file__).resolve().parent / "static" / "gateway" / "favicon.ico"


def favicon(request):
    """/favicon.ico, which browsers ask for on every site (pages also link the SVG icon): never a 404 in the log."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def healthz(request):
    """The process is alive (no dependency is checked: that is /readyz's job)."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Database, cache and broker reachable: 200 with each check, or 503 naming what is down."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the log says why
            logger.warning("readiness check %s failed: %s", name, exc.__class__.__name__)
            results[name] = "down"
    status = 200 if all(value != "down" for value in results.values()) else 503
    return JsonResponse(results, status=status)


def metrics(request):
    """Prometheus scrape path: tenant and provider slugs and failure reasons are not for the internet.

    GATEWAY_METRICS_TOKEN asks for a matching bearer token, GATEWAY_METRICS_ALLOW for a client address in
    its networks; with both set both must match, with neither nothing is served (production refuses to
    start so). The address is the client's (sso_gateway.clientip), never REMOTE_ADDR alone: behind a proxy
    on the same host every request of the internet comes from 127.0.0.1.
    """
    if not _metrics_allowed(request):
        return HttpResponse(
            "Forbidden: send GATEWAY_METRICS_TOKEN as a bearer token, or scrape from GATEWAY_METRICS_ALLOW.",
            status=403,
        )
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)


def _metrics_allowed(request) -> bool:
    token, allow = settings.GATEWAY_METRICS_TOKEN, settings.GATEWAY_METRICS_ALLOW
    if not token and not allow:
        return False
    if token:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not (supplied and secrets.compare_digest(supplied.encode(), token.encode())):
            return False
    if allow:
        # A trusted proxy's request without the client header could be anyone's: it never matches.
        client = client_address(request)
        return client.via != "unresolved" and address_in(client.ip, allow)
    return True


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache.set("gw:readyz", "1", 10)
    return "ok" if cache.get("gw:readyz") == "1" else "down"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    from celery import current_app

    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"
