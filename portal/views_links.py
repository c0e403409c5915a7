"""JSM's own portal addresses, served under each tenant: the links in JSM's customer notification emails.

JSM's emails link to its portal (`https://<site>.atlassian.net/servicedesk/customer/portal/<portal id>/<KEY>`).
An admin who edits the site's customer notification templates to use the gateway's host plus the tenant
(`https://<gateway>/<tenant>/servicedesk/customer/...`, docs/portal.md) sends customers here, where each shape
redirects to the hosted page that does the same: the portal, a request, the create form, the request list and
the approvals list. Nothing is shown at these addresses, so an anonymous visitor reaches the hosted page, which
sends them through sign-in and back to it (the deep link survives the sign-in). Ownership is checked by the
hosted page itself, as for any other visit.

JSM's portal id is the service desk id on most sites, but not necessarily: an id that is no desk's is looked up
among the `portalId`s of the tenant's desks' request types (cached metadata).
"""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal import jsm, selectors
from portal.errors import DeskUnknown, RequestNotFound
from portal.pages import portal_page
from tenants import selectors as tenant_selectors
from tenants.models import ServiceDesk, Tenant


def _to(name: str, tenant: Tenant, query: str = "", **kwargs) -> HttpResponseRedirect:
    url = reverse(f"portal:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


def _desk_of_portal(tenant: Tenant, portal_id: str) -> ServiceDesk:
    if not portal_id.isdigit() or len(portal_id) > 18:
        raise DeskUnknown(f"no portal {portal_id[:20]!r} at this tenant.")
    desks = tenant_selectors.service_desks_active(tenant=tenant)
    found = next((d for d in desks if d.jira_id == portal_id), None)
    if found is None:
        found = next(
            (d for d in desks if any(t.portal_id == portal_id for t in jsm.catalogue(tenant=tenant, desk=d).types)),
            None,
        )
    if found is None:
        raise DeskUnknown(f"no portal {portal_id[:20]!r} at this tenant.")
    return found


@require_GET
@portal_page
def portals(request, *, tenant_slug):
    """/servicedesk/customer/portals: JSM's help center."""
    return _to("home", request.tenant)


@require_GET
@portal_page
def portal(request, *, tenant_slug, portal_id):
    """/servicedesk/customer/portal/<id>: the desk's portal page."""
    desk = _desk_of_portal(request.tenant, portal_id)
    return _to("desk", request.tenant, desk_id=desk.jira_id)


@require_GET
@portal_page
def portal_request(request, *, tenant_slug, portal_id, issue_key):
    """/servicedesk/customer/portal/<id>/<KEY>: the request page (JSM's emails' "View request" link). The key
    decides; the portal id is not trusted for anything (the request page checks the request's own desk)."""
    if not selectors.ISSUE_KEY.match(issue_key):
        raise RequestNotFound(f"no request {issue_key[:40]!r}.")
    return _to("request", request.tenant, issue_key=issue_key)


@require_GET
@portal_page
def portal_create(request, *, tenant_slug, portal_id, request_type_id, group_id=""):
    """/servicedesk/customer/portal/<id>[/group/<g>]/create/<type>: the create form."""
    desk = _desk_of_portal(request.tenant, portal_id)
    return _to("create", request.tenant, desk_id=desk.jira_id, request_type_id=request_type_id)


@require_GET
@portal_page
def user_requests(request, *, tenant_slug):
    """/servicedesk/customer/user/requests: My requests. JSM's `status` (open, closed, all) and `reporter`
    (all, owned, participated, org-<id>) query parameters are kept where the hosted list has the same filter."""
    status = request.GET.get("status", "")
    reporter = request.GET.get("reporter", "")
    query = {"state": status if status in selectors.STATES else ""}
    query["ownership"] = {"owned": "reporter", "participated": "participant"}.get(reporter, "")
    return _to("requests", request.tenant, "&".join(f"{k}={v}" for k, v in query.items() if v))


@require_GET
@portal_page
def user_approvals(request, *, tenant_slug):
    """/servicedesk/customer/user/approvals: the requests awaiting the customer's approval."""
    return _to("requests", request.tenant, "ownership=approval&state=all")
