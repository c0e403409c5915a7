"""The hosted portal's part of a service desk's admin page: the request type fields its create form cannot show.

A field the portal cannot render (an Assets/CMDB object, for example) is named on the customer's form; the admin
sees the same here, per request type, with what it means: an optional field is left out of the form, a required
one keeps customers from raising that type in the hosted portal. The desk's admin class belongs to `tenants`
(which must not import the portal), so the portal extends whatever class is registered there with this section.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from portal import jsm
from portal.form_fields import field_kind
from tenants.jira.errors import JiraError
from tenants.models import ServiceDesk

SECTION = "Hosted portal: fields its create form cannot show"


def unsupported_fields(desk: ServiceDesk) -> list[tuple[str, str, bool]]:
    """(request type, field name, required) for each field of the desk's request types the portal cannot render."""
    found = []
    for request_type in jsm.catalogue(tenant=desk.tenant, desk=desk).types:
        for meta in jsm.request_type_fields(tenant=desk.tenant, desk=desk, request_type_id=request_type.id):
            if field_kind(meta) == "unsupported" and (meta.visible or meta.required):
                found.append((request_type.name, meta.name or meta.field_id, meta.required))
    return found


def _with_portal_section(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    class HostedPortalServiceDeskAdmin(base):
        def get_readonly_fields(self, request, obj=None):
            return [*super().get_readonly_fields(request, obj), "portal_unsupported_fields"]

        def get_fieldsets(self, request, obj=None):
            fieldsets = list(super().get_fieldsets(request, obj))
            if obj is not None:
                fieldsets.append((SECTION, {"fields": ["portal_unsupported_fields"]}))
            return fieldsets

        @admin.display(description="fields left out")
        def portal_unsupported_fields(self, obj):
            if obj is None or not obj.pk:
                return "—"
            try:
                found = unsupported_fields(obj)
            except JiraError as exc:  # no connection, Jira down: said, never a 500
                return f"Could not read the request types from Jira: {exc}"
            if not found:
                return "None: the hosted portal shows every field of this desk's request types."
            rows = format_html_join(
                "",
                "<li>{}: <strong>{}</strong>, {}</li>",
                (
                    (kind, name, "required: customers cannot raise this request type in the hosted portal"
                     if required else "optional: left out of the form (the form tells the customer)")
                    for kind, name, required in found
                ),
            )  # fmt: skip
            return format_html("<ul>{}</ul>", rows)

    HostedPortalServiceDeskAdmin.__name__ = base.__name__
    return HostedPortalServiceDeskAdmin


if admin.site.is_registered(ServiceDesk):
    _registered = type(admin.site._registry[ServiceDesk])
    admin.site.unregister(ServiceDesk)
    admin.site.register(ServiceDesk, _with_portal_section(_registered))
