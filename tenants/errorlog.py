"""The error log: every error page the sign-in log does not already hold, under the reference it printed.

`sso_gateway.pages` calls `error_record` (registered in tenants/apps.py) for each error page it renders, so a
reference a customer or an admin reads out is found in the admin under Error log. One client repeating one
error within `WINDOW` is counted on the row it already has and shown that row's reference: a scanner probing
a thousand addresses writes one row, not a thousand. Rows older than GATEWAY_ERROR_LOG_DAYS are deleted, at
most once an hour per process, by the process that writes the next one.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from sso_gateway.clientip import client_ip
from sso_gateway.pages import PageError, new_reference
from tenants.models import ErrorEvent, Tenant

WINDOW = timedelta(minutes=10)
_PRUNE_EVERY_SECONDS = 3600.0
_last_prune: float | None = None


def error_record(*, request, error: PageError, tenant: Tenant | None) -> str:
    """Write `error` down (or count it on the same client's same error) and return the reference to show."""
    now = timezone.now()
    tenant = tenant if isinstance(tenant, Tenant) and tenant.pk else None
    ip = client_ip(request)
    same = ErrorEvent.objects.filter(
        tenant=tenant, ip=ip, reason=error.reason, status=error.status, last_seen_at__gte=now - WINDOW
    ).first()
    if same is not None:
        ErrorEvent.objects.filter(pk=same.pk).update(count=F("count") + 1, last_seen_at=now)
        return same.reference
    event = ErrorEvent.objects.create(
        tenant=tenant,
        reference=new_reference(),
        last_seen_at=now,
        kind=_kind(request, error),
        reason=error.reason,
        status=error.status,
        method=request.method[:8],
        path=request.path[:300],
        ip=ip,
        who=_who(request),
        detail=error.detail,
    )
    _prune_now_and_then()
    return event.reference


def _kind(request, error: PageError) -> str:
    return "admin" if request.path.startswith("/admin/") else error.kind


def _who(request) -> str:
    """The signed-in admin (a customer's identity is in the sign-in log, under the IP and time)."""
    user = getattr(request, "user", None)
    return user.get_username()[:200] if user is not None and user.is_authenticated else ""


def _prune_now_and_then() -> None:
    global _last_prune
    if _last_prune is not None and time.monotonic() - _last_prune < _PRUNE_EVERY_SECONDS:
        return
    _last_prune = time.monotonic()
    days = getattr(settings, "GATEWAY_ERROR_LOG_DAYS", 30)
    ErrorEvent.objects.filter(last_seen_at__lt=timezone.now() - timedelta(days=days)).delete()
