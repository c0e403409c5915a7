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
from collections.abc import Callable
from functools import wraps

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("gateway.pages")


def new_reference() -> str:
    """A short id a customer can read out and an admin can search for."""
    return secrets.token_hex(4).upper()


#: Writes an error down where the admin can find it and returns its reference (tenants.errorlog sets it at
#: start: the floor knows no tenant). None: the error is only in the log.
_recorder: Callable | None = None


def error_recorder_set(recorder: Callable | None) -> None:
    """`recorder(request=, error=, tenant=)` returns the reference the page shows, or "" when it could not."""
    global _recorder
    _recorder = recorder


class PageError(Exception):
    status = 400
    reason = "page_error"
    title = _("Something went wrong")
    advice = _("Go back to the link you followed and try again. If it keeps happening, contact the help desk.")
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
        "in_admin": request.path.startswith("/admin/") and getattr(request, "user", None) is not None
        and request.user.is_active and request.user.is_staff,
    }  # fmt: skip
    response = render(request, "portal/error.html", context, status=error.status)
    response["Cache-Control"] = "no-store"
    response.gateway_error_page = True  # the error pages middleware leaves it alone
    response._has_been_logged = True  # logged once, under its reference: not again as Django's "Not Found: …"
    return response


def renders_page_errors(view):
    """Any `PageError` raised below `view` becomes the error page, logged once under its reference.

    Failures at the sign-in callback are in the sign-in log (written by the callback, under the same
    reference); every other one is in the error log (`error_recorder_set`), where repeats from one
    client are counted on one row, so anonymous traffic cannot fill the database.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PageError as error:
            return page_error_response(request, error, where=f"tenant={str(kwargs.get('tenant_slug', '-'))[:50]}")

    return wrapper


def page_error_response(request, error: PageError, *, where: str = ""):
    """Log `error` once under its reference and answer with its page (also for middleware, which no view wraps).

    Its reference is one the admin can find: the sign-in log's when the callback wrote one, else the error log's.
    """
    reference = error.reference or _record(request, error) or new_reference()
    logger.warning(
        "%s error ref=%s %s reason=%s status=%s detail=%s",
        error.kind, reference, where or f"path={request.path[:200]}", error.reason, error.status, error.detail,
        extra={"reference": reference},
    )  # fmt: skip
    return error_page(request, error, reference=reference, staff_detail=error.for_staff)


def _record(request, error: PageError) -> str:
    if _recorder is None:
        return ""
    try:
        return _recorder(request=request, error=error, tenant=getattr(request, "tenant", None))
    except Exception:  # noqa: BLE001 - the page must still be shown; the log line below keeps the facts
        logger.exception("the error log could not record a %s error", error.kind)
        return ""
