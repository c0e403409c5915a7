"""Where a hosted-portal URL leads when the tenant uses Atlassian's own portal (native mode only).

In native mode customers use JSM's portal, signed in through the gateway as Atlassian's SAML identity
provider. Substitute links and the help center address already handed out keep working: they lead to the
same place in the tenant's Jira portal (a desk's `portal_url` from the sync, else JSM's path shapes), where
Atlassian sends an anonymous customer to the gateway to sign in.
"""

from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from portal.errors import PortalError
from tenants.models import JiraConnection, ServiceDesk, Tenant

HELP_CENTER = "/servicedesk/customer/portals"
DESK = "/servicedesk/customer/portal/{desk_id}"
REQUESTS = "/servicedesk/customer/user/requests"
JSM_PATHS = "/servicedesk/customer/"


class JiraPortalUnknown(PortalError):
    status = 404
    reason = "jira_portal_unknown"
    title = _("This help center has moved to Jira")
    advice = _("Its address in Jira is not set up yet. Please contact the help desk by another channel.")


def jira_portal_url(*, tenant: Tenant, desk_id: str | None = None, requests: bool = False) -> str:
    site = JiraConnection.objects.filter(tenant=tenant).values_list("site_url", flat=True).first()
    if desk_id is not None:
        desk = ServiceDesk.objects.filter(tenant=tenant, jira_id=desk_id[:32]).only("portal_url").first()
        if desk is not None and desk.portal_url:
            return desk.portal_url
        if site and desk is not None:
            return site.rstrip("/") + DESK.format(desk_id=desk.jira_id)
    if not site:
        raise JiraPortalUnknown(f"tenant {tenant.slug!r} uses the Atlassian portal but has no Jira connection yet.")
    return site.rstrip("/") + (REQUESTS if requests else HELP_CENTER)


def jira_portal_redirect(request, *, view_name: str, kwargs: dict) -> HttpResponseRedirect:
    """The Jira portal page that stands where the hosted page `view_name` would be.

    A link in JSM's own shape (`/<tenant>/servicedesk/customer/...`, what JSM's emails carry once the host
    was changed to the gateway's) leads to the very same page on the Jira site, query included.
    """
    jsm_path = request.path.removeprefix(f"/{request.tenant.slug}")
    site = JiraConnection.objects.filter(tenant=request.tenant).values_list("site_url", flat=True).first()
    if site and jsm_path.startswith(JSM_PATHS):
        query = request.META.get("QUERY_STRING", "")
        url = site.rstrip("/") + jsm_path + (f"?{query}" if query else "")
    else:
        requests = view_name.startswith("request")
        url = jira_portal_url(tenant=request.tenant, desk_id=kwargs.get("desk_id"), requests=requests)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"
    return response
