"""The gateway's front page, and the admin's "view on site" shortcut confined to the user's tenants."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import render

from tenants.models import Tenant
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
