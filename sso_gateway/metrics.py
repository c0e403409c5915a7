"""Prometheus metrics, scraped at /metrics.

With several processes (gunicorn workers, Celery workers) set PROMETHEUS_MULTIPROC_DIR to an empty
directory shared by all of them on the host: each process writes its samples there and /metrics
adds them up (prometheus_client's multiprocess mode). Without it, /metrics shows this process.
Labels never carry a secret, an email or a token: tenant and provider slugs, outcomes, reasons.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

SIGNINS = Counter("gateway_signins", "Sign-in attempts at the callback", ["tenant", "provider", "outcome", "reason"])
IDP_REQUESTS = Histogram("gateway_idp_request_seconds", "Calls to identity providers", ["endpoint", "outcome"])
JIRA_REQUESTS = Histogram("gateway_jira_request_seconds", "Calls to Jira", ["method", "status"])
JIRA_RATE_LIMITED = Counter("gateway_jira_rate_limited", "Answers 429 from Jira")
SYNC_RUNS = Histogram("gateway_sync_seconds", "Service desk sync runs", ["outcome"], buckets=(1, 5, 15, 60, 300, 900))


def idp_request_observe(*, endpoint: str, outcome: str, seconds: float) -> None:
    """One call to an identity provider; `outcome` is ok or the name of what went wrong (sso_gateway.outgoing_http)."""
    IDP_REQUESTS.labels(endpoint, outcome).observe(seconds)


def jira_request_observe(*, method: str, status: int | str, seconds: float) -> None:
    JIRA_REQUESTS.labels(method, str(status)).observe(seconds)
    if status == 429:
        JIRA_RATE_LIMITED.inc()


class QueueDepthCollector:
    """Messages waiting in the Celery queues, read from the broker at scrape time (Redis only)."""

    def collect(self):
        from django.conf import settings

        gauge = GaugeMetricFamily("gateway_celery_queue_depth", "Messages waiting in a Celery queue", labels=["queue"])
        if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            import redis

            queues = {"celery", settings.GATEWAY_PROVISION_QUEUE} - {None}
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
            try:
                for queue in sorted(queues):
                    gauge.add_metric([queue], client.llen(queue))
            except redis.RedisError:
                pass
            finally:
                client.close()
        yield gauge


_QUEUE_DEPTH = QueueDepthCollector()
REGISTRY.register(_QUEUE_DEPTH)


def exposition() -> tuple[bytes, str]:
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_QUEUE_DEPTH)
    return generate_latest(registry), CONTENT_TYPE_LATEST
