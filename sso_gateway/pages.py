"""Errors a person sees as a page, and the one place they are rendered.

A `PageError` carries the HTTP status of its page (4xx, or 503 when a peer is down; never a 500),
a title and advice in the customer's terms, a short `reason` code for the log and the admin, and a
reference id the customer can read out. It is raised where the problem is found and becomes a page
in `renders_page_errors` only, for the sign-in and the portal alike; each app defines its own
subclasses (`providers.errors.SignInError`, `portal.errors.PortalError`, `tenants.errors`).

`detail` is for the admin (the sign-in log, the test-connection page). It is written by our own
code, never copied from a token or a peer's response body, so it cannot leak one.
"""

import logging
import secrets
from functools import wraps

from django.shortcuts import render

logger = logging.getLogger("gateway.pages")


def new_reference() -> str:
    """A short id a customer can read out and an admin can search for."""
    return secrets.token_hex(4).upper()


class PageError(Exception):
    status = 400
    reason = "page_error"
    title = "Something went wrong"
    advice = "Go back to the link you followed and try again. If it keeps happening, contact the help desk."
    #: What the log calls it ("sign-in error ref=…"), so an operator can tell the flows apart.
    kind = "page"

    def __init__(self, detail: str = "", *, reason: str | None = None):
        super().__init__(detail or self.title)
        self.detail = detail[:500]
        if reason:
            self.reason = reason[:64]
        self.reference = ""  # set when the error was already written down under a reference
        self.for_staff = False  # the detail may be shown (an admin's test connection)


def error_page(request, error: PageError, *, tenant=None, reference: str = "", staff_detail: bool = False):
    """The error page, in the look of `tenant` (default: the tenant the request resolved) when it is active."""
    tenant = tenant if tenant is not None else getattr(request, "tenant", None)
    context = {
        "tenant": tenant if tenant is not None and tenant.is_active else None,
        "error": error,
        "reference": reference or new_reference(),
        "detail": error.detail if staff_detail else "",
    }
    response = render(request, "portal/error.html", context, status=error.status)
    response["Cache-Control"] = "no-store"
    return response


def renders_page_errors(view):
    """Any `PageError` raised below `view` becomes the error page, logged once under its reference.

    Failures at the sign-in callback are also in the sign-in log (written by the callback, under the
    same reference); failures before it (a link to a disabled provider, a provider down at start)
    are only logged here, because anonymous traffic must not write rows.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PageError as error:
            return page_error_response(request, error, where=f"tenant={str(kwargs.get('tenant_slug', '-'))[:50]}")

    return wrapper


def page_error_response(request, error: PageError, *, where: str = ""):
    """Log `error` once under its reference and answer with its page (also for middleware, which no view wraps)."""
    reference = error.reference or new_reference()
    logger.warning(
        "%s error ref=%s %s reason=%s status=%s detail=%s",
        error.kind, reference, where or f"path={request.path[:200]}", error.reason, error.status, error.detail,
        extra={"reference": reference},
    )  # fmt: skip
    return error_page(request, error, reference=reference, staff_detail=error.for_staff)
