"""The gateway's front page, and the admin's "view on site" shortcut confined to the user's tenants."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sso_gateway import locales
from tenants.models import Tenant
from tenants.pages import tenant_page
from tenants.scoping import visible_tenant_ids


def home(request):
    """Customers arrive on tenant links; staff get a list of their own tenants' portals (operators: all)."""
    tenants = Tenant.objects.none()
    if request.user.is_staff:
        tenants = Tenant.objects.filter(is_active=True)
        if not request.user.is_superuser:
            tenants = tenants.filter(pk__in=visible_tenant_ids(request))
    return render(request, "home.html", {"tenants": tenants.order_by("name")[:50]})


def view_on_site(request, content_type_id, object_id):
    """The admin's `r/<content type>/<id>/` redirect, for objects the user may view in the admin only.

    Django's own shortcut redirects any staff user to any object's URL, which reveals other
    tenants' slugs and links. An object the user may not see answers 404 like a missing one
    (OWASP ASVS 4.0 V4.2.1: no object reference bypasses the access check). Mounted in front of
    the admin's own route by `sso_gateway/urls.py`, wrapped in `admin_view` (staff login).
    """
    if not request.user.is_superuser and not _may_view(request, content_type_id, object_id):
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)


def _may_view(request, content_type_id, object_id) -> bool:
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        return False
    if model is None or not admin.site.is_registered(model):
        return False
    model_admin = admin.site.get_model_admin(model)
    try:
        obj = model_admin.get_queryset(request).get(pk=object_id)
    except (ObjectDoesNotExist, ValidationError, ValueError):
        return False
    return model_admin.has_view_permission(request, obj)


@tenant_page(active_only=False)
def tenant_logo(request, tenant_slug: str, version: str):
    """The tenant's uploaded logo (also its favicon): only ever a picture, cached for good under its version."""
    tenant = request.tenant
    if not tenant.logo or version != tenant.logo_version:
        raise Http404("No such logo.")
    response = HttpResponse(bytes(tenant.logo), content_type=tenant.logo_content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="logo"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@tenant_page
def time_zone_choose(request, tenant_slug: str):
    """The page behind "Times in …: change": pick a zone, remembered for every later visit."""
    target = request.POST.get("next") or request.GET.get("next", "")
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=allowed, require_https=request.is_secure()):
        target = reverse("portal:home", kwargs={"tenant_slug": tenant_slug})
    error = ""
    if request.method == "POST":
        zone = request.POST.get("time_zone", "")[:64]
        if locales.time_zone_valid(zone):
            response = HttpResponseRedirect(target)
            locales.remember_time_zone(response, zone)
            return response
        error = _("Choose a time zone from the list.")
    context = {
        "tenant": request.tenant,
        "choices": locales.time_zone_choices(),
        "current": timezone.get_current_timezone_name(),
        "next": target,
        "error": error,
    }
    return render(request, "tenants/time_zone.html", context, status=400 if error else 200)
