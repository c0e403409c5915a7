"""The admin's home is the gateway's: the setup checklist of each tenant first, then the gateway's sections,
then the third-party internals (users, admin lockouts, the demo provider's tokens, schedules) under "System".

The sidebar lists the sections in the same order. "Find a reference" takes the reference of any error page
or sign-in to the row that holds it (the error log or the sign-in log), within the tenants the user sees.
"""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode

from providers.models import LoginEvent
from providers.setup import tenants_setup
from tenants.models import ErrorEvent

#: The gateway's own apps, in the order of the seed guide (tenant and Jira site, then sign-in).
GATEWAY_APPS = ["tenants", "providers", "portal", "configuration"]
#: Third-party apps, named for what they are here.
SYSTEM_NAMES = {
    "auth": "Users and groups",
    "axes": "Admin sign-in lockouts (Axes)",
    "oauth2_provider": "Demo identity provider's tokens (OAuth Toolkit)",
    "django_celery_beat": "Schedules (Celery beat)",
}


class GatewayAdminSite(admin.AdminSite):
    site_header = "JSM SSO Gateway"
    site_title = "JSM SSO Gateway"
    index_title = "Setup"
    index_template = "admin/gateway_index.html"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["is_system"] = app["app_label"] not in GATEWAY_APPS
            if app["is_system"]:
                app["name"] = "System: " + SYSTEM_NAMES.get(app["app_label"], app["name"])
        rank = {label: n for n, label in enumerate(GATEWAY_APPS)}
        return sorted(apps, key=lambda app: (app["is_system"], rank.get(app["app_label"], 0), app["name"].lower()))

    def index(self, request, extra_context=None):
        setups, total = tenants_setup(request=request)
        apps = self.get_app_list(request)
        context = {
            "setups": setups,
            "tenants_total": total,
            "gateway_apps": [app for app in apps if not app["is_system"]],
            "system_apps": [app for app in apps if app["is_system"]],
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)

    def get_urls(self):
        find = self.admin_view(self.find_reference)
        return [path("reference/", find, name="find_reference"), *super().get_urls()]

    def find_reference(self, request):
        """The row of a reference: the error log's, else the sign-in log's (each scoped like its changelist)."""
        reference = request.GET.get("q", "").strip()[:16]
        for model in (ErrorEvent, LoginEvent):
            model_admin = self.get_model_admin(model)
            rows = model_admin.get_queryset(request).filter(reference__iexact=reference) if reference else None
            if rows is not None and rows.exists() and model_admin.has_view_permission(request):
                opts = model._meta
                if rows.count() == 1:
                    return HttpResponseRedirect(
                        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[rows.get().pk])
                    )
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?" + urlencode({"q": reference})
                )
        return HttpResponseRedirect(reverse("admin:tenants_errorevent_changelist") + "?" + urlencode({"q": reference}))
