"""A request id and the tenant on every log line of a request.

The id comes from the proxy's `X-Request-ID` when it looks sane, else a fresh one; it goes back
in the response header so an operator can match a customer's report to the log.
"""

import contextvars
import logging
import re
import secrets
import time

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
tenant_var: contextvars.ContextVar[str] = contextvars.ContextVar("tenant", default="-")

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_logger = logging.getLogger("gateway.request")


def outcome_of(status: int) -> str:
    return "ok" if status < 400 else "client_error" if status < 500 else "server_error"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SANE_ID.match(incoming) else secrets.token_hex(8)
        id_token = request_id_var.set(request.request_id)
        tenant_token = tenant_var.set("-")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            # One line per request; the path without its query string (a callback's query holds a code).
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path[:200],
                response.status_code,
                extra={
                    "status": response.status_code,
                    "outcome": outcome_of(response.status_code),
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        finally:
            request_id_var.reset(id_token)
            tenant_var.reset(tenant_token)
        response["X-Request-ID"] = request.request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        tenant_var.set(view_kwargs.get("tenant_slug", "-"))


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `tenant` to every record (also outside requests: "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.tenant = getattr(record, "tenant", None) or tenant_var.get()
        return True
