"""Why a tenant's page cannot be shown, as page errors (rendered by `sso_gateway.pages`)."""

from django.utils.translation import gettext_lazy as _

from sso_gateway.pages import PageError


class TenantUnavailable(PageError):
    status = 404
    reason = "tenant_unavailable"
    title = _("This help center is not available")
    advice = _("The link may be out of date. Ask the company that sent it for a current link.")
