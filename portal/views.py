"""Customer-facing pages: the help center (tenant home), the account page and a desk's portal page.

Pages that need a customer send an anonymous visitor into sign-in with `next` = this page; that
costs no database write (anonymous traffic must not fill the database). Each view is a `portal_page`:
the tenant is on `request.tenant`, and errors become pages in one place (`sso_gateway.pages`).
Request pages (create, my requests, one request) live in views_requests.py.
"""

import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal import access, jsm, selectors
from portal.errors import DeskUnavailable, DeskUnknown, RequestTypeNotFound
from portal.pages import portal_page
from portal.provisioning import customer_account_find
from portal.services import customer_provision
from providers.errors import JiraAccountRefused
from providers.oidc.views import sign_in_redirect
from providers.sessions import customer_get
from sso_gateway.localcache import LocalCache
from tenants.jira.errors import JiraError
from tenants.models import ServiceDesk, Tenant

logger = logging.getLogger(__name__)

_desks = LocalCache("service desks by tenant and Jira id")


@require_GET
@portal_page
def home(request, *, tenant_slug):
    """The help center: the desks this customer may use, each linking to its portal."""
    tenant = request.tenant
    customer = customer_get(request, tenant=tenant)
    desks = access.desks_for(customer=customer, tenant=tenant) if customer else []
    recent = _recent_requests(customer=customer, tenant=tenant, desks=desks) if customer and desks else None
    context = {"tenant": tenant, "customer": customer, "desks": desks, "recent": recent}
    response = render(request, "portal/home.html", context)
    response["Cache-Control"] = "no-store"  # names the signed-in customer
    return response


def _recent_requests(*, customer, tenant, desks):
    """A returning customer's open requests, right after sign-in (the help center is where sign-in lands): one
    JQL search, their account found by verified email if they have not opened a desk yet. None when it cannot be
    read (no Jira connection, Jira down, an account this identity may not use): the desks still show, and the
    pages that need Jira say why."""
    try:
        client = jsm.client_for(tenant=tenant)
        customer_account_find(customer=customer, client=client)
        return selectors.customer_requests_search(client=client, customer=customer, desks=desks, page_size=5).issues
    except (JiraError, JiraAccountRefused) as exc:
        logger.info("Recent requests of customer %s not shown: %s", customer.pk, exc)
        return None


@require_GET
@portal_page(native_redirect=False)  # who is signed in at the gateway, and sign-out: native mode has a session too
def account(request, *, tenant_slug):
    tenant = request.tenant
    customer = customer_get(request, tenant=tenant)
    if customer is None:
        return sign_in_redirect(request, tenant=tenant, next_path=reverse("portal:account", args=[tenant.slug]))
    response = render(request, "portal/account.html", {"tenant": tenant, "customer": customer})
    response["Cache-Control"] = "no-store"
    return response


def desk_get(*, tenant: Tenant, desk_id: str, cached: bool = False) -> ServiceDesk:
    """Unknown desk: 404; a desk Jira no longer has (or an admin switched off): 410.

    `cached`: from this process's cache of a few seconds (sso_gateway/localcache.py), for the
    anonymous visit that only starts a sign-in; the page itself reads the desk afresh.
    """

    def load() -> ServiceDesk | None:
        if len(desk_id) > ServiceDesk._meta.get_field("jira_id").max_length:
            return None
        return ServiceDesk.objects.filter(tenant=tenant, jira_id=desk_id).select_related("tenant").first()

    service_desk = _desks.get_or_load((tenant.pk, desk_id), load) if cached else load()
    if service_desk is None:
        raise DeskUnknown(f"no service desk {desk_id[:32]!r} at this tenant.")
    if not service_desk.is_active:
        raise DeskUnavailable("the service desk is inactive.")
    return service_desk


@require_GET
@portal_page
def desk(request, *, tenant_slug, desk_id):
    """The substitute link and the desk's portal page: request types in JSM's groups.

    Access rules come before provisioning, so a refused customer is never added to the desk in Jira.
    Until provisioning is done the page says access is being set up and lists nothing to raise.
    """
    tenant = request.tenant
    customer = customer_get(request, tenant=tenant)
    if customer is None:
        service_desk = desk_get(tenant=tenant, desk_id=desk_id, cached=True)
        return sign_in_redirect(request, tenant=tenant, next_path=service_desk.get_absolute_url())
    service_desk = desk_get(tenant=tenant, desk_id=desk_id)
    access.desk_check(customer=customer, desk=service_desk)
    provisioning = customer_provision(customer=customer, service_desk=service_desk)
    catalogue = access.catalogue_for(customer=customer, desk=service_desk) if provisioning.ready else None
    context = {
        "tenant": tenant,
        "customer": customer,
        "desk": service_desk,
        "provisioning": provisioning,
        "catalogue": catalogue,
    }
    response = render(request, "portal/desk.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@portal_page
def icon(request, *, tenant_slug, desk_id, icon_id):
    """A request type icon, fetched with the service account's token (Jira's icon URLs need it) and cached.

    Only for a signed-in customer and an icon of one of this desk's request types they may see: no open proxy
    to Jira.
    """
    tenant = request.tenant
    service_desk = desk_get(tenant=tenant, desk_id=desk_id)
    customer = customer_get(request, tenant=tenant)
    if customer is None or not access.catalogue_for(customer=customer, desk=service_desk).has_icon(icon_id):
        raise RequestTypeNotFound(f"no icon {icon_id[:20]!r} at desk {desk_id[:20]!r}.")
    content = jsm.request_type_icon(tenant=tenant, icon_id=icon_id)
    if content is None:
        raise RequestTypeNotFound(f"icon {icon_id} is not a PNG.")
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
