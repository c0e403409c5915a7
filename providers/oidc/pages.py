"""The one place a sign-in error becomes a page (issue 3, point 11).

Views of the sign-in flow and the portal are wrapped in `renders_sign_in_errors`: any
`SignInError` raised below them becomes the portal's error page with the error's status (4xx,
or 503 when the provider is down), what to do, and a reference id. Failures at the callback are
also written to the sign-in log by the callback itself (under the same reference); failures before
it (a link to a disabled provider, a provider down at start) are only logged, because anonymous
traffic must not write rows (point 12).
"""

import logging
from functools import wraps

from django.shortcuts import render

from portal.models import new_reference
from providers.oidc.errors import ProviderMisbehaved, SignInError
from tenants.crypto import SecretUnreadable
from tenants.models import Tenant

logger = logging.getLogger("gateway.signin")


def error_page(request, error: SignInError, *, tenant: Tenant | None = None, reference: str = "", staff_detail=False):
    reference = reference or new_reference()
    context = {
        "tenant": tenant if tenant is not None and tenant.is_active else None,
        "error": error,
        "reference": reference,
        "detail": error.detail if staff_detail else "",
    }
    response = render(request, "portal/error.html", context, status=error.status)
    response["Cache-Control"] = "no-store"
    return response


def renders_sign_in_errors(view):
    @wraps(view)
    def wrapper(request, *args, tenant_slug: str, **kwargs):
        try:
            try:
                return view(request, *args, tenant_slug=tenant_slug, **kwargs)
            except SecretUnreadable as exc:
                # The provider's client secret cannot be decrypted (GATEWAY_ENCRYPTION_KEYS changed): an
                # operator's problem, shown to the customer as a provider that cannot be used right now.
                raise ProviderMisbehaved("the client secret cannot be decrypted.", reason="secret_unreadable") from exc
        except SignInError as error:
            reference = getattr(error, "reference", "") or new_reference()
            logger.warning(
                "sign-in error ref=%s tenant=%s reason=%s status=%s detail=%s",
                reference, tenant_slug[:50], error.reason, error.status, error.detail,
            )  # fmt: skip
            tenant = Tenant.objects.filter(slug=tenant_slug).first()
            return error_page(
                request, error, tenant=tenant, reference=reference, staff_detail=getattr(error, "for_staff", False)
            )

    return wrapper
