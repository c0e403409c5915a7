"""gunicorn settings for the gateway: `gunicorn -c deploy/gunicorn.conf.py sso_gateway.wsgi`.

Sign-ins wait on identity providers and portal pages on Jira (each call has its own timeout),
so threads keep a worker busy while it waits; the worker timeout is above the longest call chain.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
max_requests = 10000
max_requests_jitter = 1000
# Who may say the request came over https (X-Forwarded-Proto): the same proxies the gateway believes about the
# client's address (GATEWAY_TRUSTED_PROXIES, which the systemd units set; deploy/nginx/jsm-sso-gateway.conf).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("GATEWAY_TRUSTED_PROXIES", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The access log carries no query strings: a callback's query holds an authorization code.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss rid=%({x-request-id}o)s pid=%(p)s'


def child_exit(server, worker):
    """Prometheus multiprocess mode: drop a dead worker's live gauges (its counters stay summed)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
