"""Customer-facing pages: the tenant home, the account page and a service desk's substitute link.

Pages that need a customer send an anonymous visitor into sign-in with `next` = this page; that
costs no database write (issue 3, point 12). Errors are pages made in one place
(`providers.oidc.pages.renders_sign_in_errors`).
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.provisioning import customer_provision
from portal.sessions import customer_get
from providers.oidc.errors import DeskUnavailable, DeskUnknown
from providers.oidc.pages import renders_sign_in_errors
from providers.oidc.views import sign_in_redirect
from providers.selectors import tenant_get_active
from tenants.models import ServiceDesk


@require_GET
@renders_sign_in_errors
def home(request, *, tenant_slug):
    tenant = tenant_get_active(slug=tenant_slug)
    customer = customer_get(request, tenant=tenant)
    desks = ServiceDesk.objects.filter(tenant=tenant, is_active=True) if customer else ServiceDesk.objects.none()
    return render(request, "portal/home.html", {"tenant": tenant, "customer": customer, "desks": desks})


@require_GET
@renders_sign_in_errors
def account(request, *, tenant_slug):
    tenant = tenant_get_active(slug=tenant_slug)
    customer = customer_get(request, tenant=tenant)
    if customer is None:
        return sign_in_redirect(request, tenant=tenant, next_path=reverse("portal:account", args=[tenant.slug]))
    response = render(request, "portal/account.html", {"tenant": tenant, "customer": customer})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@renders_sign_in_errors
def desk(request, *, tenant_slug, desk_id):
    """The substitute link. Unknown desk: 404; a desk Jira no longer has (or an admin switched off): 410."""
    tenant = tenant_get_active(slug=tenant_slug)
    service_desk = ServiceDesk.objects.filter(tenant=tenant, jira_id=desk_id).first()
    if service_desk is None:
        raise DeskUnknown(f"no service desk {desk_id[:32]!r} at this tenant.")
    if not service_desk.is_active:
        raise DeskUnavailable("the service desk is inactive.")
    customer = customer_get(request, tenant=tenant)
    if customer is None:
        return sign_in_redirect(request, tenant=tenant, next_path=service_desk.get_absolute_url())
    provisioning = customer_provision(customer=customer, service_desk=service_desk)
    context = {"tenant": tenant, "customer": customer, "desk": service_desk, "provisioning": provisioning}
    return render(request, "portal/desk.html", context)
