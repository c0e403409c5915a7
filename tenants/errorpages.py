"""The product's own pages for an unknown address, a refused page and a broken form, everywhere.

Every 404 and 403 the gateway answers (an unknown address at the root or under a tenant, the admin's
"no such object" and "permission denied", a view's Http404) becomes the error page of `sso_gateway.pages`,
in the tenant's look when the address is under one, with a reference the admin finds under Error log. In
the development profile too: Django's debug 404 page lists every URL pattern, which is nobody's business.
A refused page is an answer, not a failure: it is logged as one line, never with a traceback.

`ErrorPagesMiddleware` handles what views raise; `not_found`, `forbidden`, `bad_request`, `server_error`
(sso_gateway/urls.py's handlers) and `csrf_failure` (CSRF_FAILURE_VIEW) what happens outside them.
"""

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from sso_gateway.pages import PageError, page_error_response
from tenants.errors import TenantUnavailable
from tenants.selectors import tenant_get_active


class PageNotFound(PageError):
    status = 404
    reason = "not_found"
    title = _("We could not find this page")
    advice = _("The address may be mistyped or out of date. Go back to the link you were sent, or to the home page.")


class PageForbidden(PageError):
    status = 403
    reason = "forbidden"
    title = _("You may not open this page")
    advice = _("Your account does not have access to it. If you think it should, ask an administrator.")


class FormExpired(PageError):
    status = 403
    reason = "csrf_failed"
    title = _("This form has expired")
    advice = _("Go back, reload the page and send the form again. Cookies must be allowed for this site.")


class BadRequest(PageError):
    status = 400
    reason = "bad_request"
    title = _("We could not understand this request")
    advice = _("Go back to the link you followed and try again.")


class ServerError(PageError):
    status = 500
    reason = "server_error"
    title = _("Something went wrong on our side")
    advice = _("Please try again in a minute. If it keeps happening, tell the help desk the reference below.")


class ErrorPagesMiddleware:
    """Http404 and PermissionDenied from any view, and any other HTML 404 (Django's URL resolver), as our page.

    Sits outside CommonMiddleware, so an address missing its slash is still redirected first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and not getattr(response, "gateway_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return error_response(request, PageNotFound("no view answers this address."))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return error_response(request, PageNotFound(str(exception)[:200]))
        if isinstance(exception, PermissionDenied):
            return error_response(request, PageForbidden(str(exception)[:200]))
        return None


def error_response(request, error: PageError):
    """`error`'s page in the look of the tenant the address is under (if any and active)."""
    if getattr(request, "tenant", None) is None:
        request.tenant = _tenant_of_path(request.path)
    return page_error_response(request, error)


def _tenant_of_path(path: str):
    slug = path.strip("/").split("/", 1)[0]
    if not slug or slug in {"admin", "static", "demo-idp"}:
        return None
    try:
        return tenant_get_active(slug=slug[:50])
    except (TenantUnavailable, DatabaseError):  # the page is shown in the gateway's own look then
        return None


def not_found(request, exception=None):
    return error_response(request, PageNotFound("no view answers this address."))


def forbidden(request, exception=None):
    return error_response(request, PageForbidden(str(exception or "")[:200]))


def bad_request(request, exception=None):
    return error_response(request, BadRequest(exception.__class__.__name__ if exception else ""))


def server_error(request):
    return error_response(request, ServerError())


def csrf_failure(request, reason=""):
    return error_response(request, FormExpired(str(reason)[:200]))
