"""The largest request body the gateway reads: refused with a 413 page before it is spooled.

Django checks a portal upload's size (portal/forms.py) only after its multipart parser wrote the whole
body to memory and temporary files, and any view that reads request.POST (the CSRF check does, on every
POST) parses a multipart body the same way. So the cap comes first, in a middleware above them: the
portal's most (GATEWAY_UPLOAD_MAX_FILES files of GATEWAY_UPLOAD_MAX_BYTES, each with its part headers)
plus the form fields Django allows anyway (DATA_UPLOAD_MAX_MEMORY_SIZE).

- A Content-Length above the cap: 413 before a byte of the body is read (RFC 9110 15.5.14).
- No Content-Length, `Transfer-Encoding: chunked` (RFC 9112 7.1): Django's WSGI request would read
  nothing of it, so the body is read here, at most up to the cap (into memory, then a temporary file,
  as Django spools uploads), and handed on with its length; one byte more and it is cut off with a 413.

Put nginx's `client_max_body_size` at the same value (deploy/nginx/) so the proxy refuses it first.
"""

import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream, WSGIRequest
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sso_gateway.locales import request_language
from sso_gateway.pages import PageError, page_error_response

PART_OVERHEAD = 1024  # a multipart part's boundary and headers (name, filename, type), generously
_BLOCK = 64 * 1024


class RequestTooLarge(PageError):
    status = 413
    reason = "request_too_large"
    title = _("That is more than can be sent at once")


def body_cap() -> int:
    """The largest body any request may have, in bytes."""
    files = settings.GATEWAY_UPLOAD_MAX_FILES * (settings.GATEWAY_UPLOAD_MAX_BYTES + PART_OVERHEAD)
    return files + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cap = body_cap()
        declared = request.META.get("CONTENT_LENGTH", "").strip()
        if declared.isdigit() and int(declared) > cap:
            return _too_large(request, cap, f"Content-Length {int(declared)}")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not declared and not _read_chunked(request, cap):
            return _too_large(request, cap, "a chunked body")
        return self.get_response(request)


def _read_chunked(request, cap: int) -> bool:
    """Read a body without a length, at most `cap` bytes (False past them), and give it to Django with its length."""
    source = request.environ["wsgi.input"] if isinstance(request, WSGIRequest) else request._stream
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 - handed on
    size = 0
    while block := source.read(min(_BLOCK, cap + 1 - size)):
        size += len(block)
        if size > cap:
            spool.close()
            return False
        spool.write(block)
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(spool, size)
    return True


def _too_large(request, cap: int, what: str):
    # Above the locale middleware: the page speaks the visitor's language all the same.
    with translation.override(request_language(request)):
        return _too_large_page(request, cap, what)


def _too_large_page(request, cap: int, what: str):
    error = RequestTooLarge(f"{what} is over the cap of {cap} bytes.")
    error.advice = ngettext(
        "Attach at most %(count)d file of at most %(size)s, then send the form again. Nothing was sent.",
        "Attach at most %(count)d files of at most %(size)s each, then send the form again. Nothing was sent.",
        settings.GATEWAY_UPLOAD_MAX_FILES,
    ) % {"count": settings.GATEWAY_UPLOAD_MAX_FILES, "size": filesizeformat(settings.GATEWAY_UPLOAD_MAX_BYTES)}
    return page_error_response(request, error)
