"""Customer-facing pages. The tenant home is all there is until sign-in and the portal land."""

from django.shortcuts import get_object_or_404, render

from tenants.models import Tenant


def home(request, tenant_slug):
    tenant = get_object_or_404(Tenant, slug=tenant_slug, is_active=True)
    return render(request, "portal/home.html", {"tenant": tenant})


def account(request, tenant_slug):
    return home(request, tenant_slug)


def desk(request, tenant_slug, desk_id):
    return home(request, tenant_slug)
