"""Admin for tenants, memberships, Jira connections, service desks and sync runs.

Jira errors become admin messages here, in one place (`_verify_response`, `sync_now`).
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tenants import selectors, services, tasks
from tenants.access_forms import ServiceDeskAccessForm
from tenants.admin_base import TenantScopedAdmin
from tenants.jira.errors import JiraError
from tenants.links import absolute, copyable
from tenants.models import (
    AtlassianSaml,
    JiraAccountGrant,
    JiraConnection,
    OrganizationRule,
    RetiredSlug,
    ServiceDesk,
    SyncRun,
    Tenant,
    TenantMembership,
)

admin.site.site_header = "JSM SSO Gateway"
admin.site.site_title = "JSM SSO Gateway"
admin.site.index_title = "Configuration"


class CopyButtonMedia:
    class Media:
        js = ["gateway/admin/copy.js"]


@admin.action(description="Sync service desks now", permissions=["change"])
def sync_now(modeladmin, request, queryset):
    """Queues one sync per selected tenant (or connection's tenant); each run shows under Sync runs."""
    model = queryset.model
    path = "pk" if model is Tenant else "tenant_id"
    ids = list(queryset.model.objects.filter(pk__in=queryset.values("pk")).values_list(path, flat=True))
    with_jira = list(Tenant.objects.filter(pk__in=ids, jira__isnull=False).values_list("pk", flat=True))
    failures = tasks.service_desks_sync_queue(tenant_ids=with_jira, trigger=SyncRun.Trigger.ADMIN)
    if failures:
        modeladmin.message_user(
            request,
            "The task queue (Redis) is unreachable, so the sync was not started. "
            "The scheduled sync runs once the queue is back; check the Celery broker.",
            messages.WARNING,
        )
    elif with_jira:
        runs = reverse("admin:tenants_syncrun_changelist")
        modeladmin.message_user(
            request, format_html('Sync started for {} tenant(s); see <a href="{}">Sync runs</a>.', len(with_jira), runs)
        )
    if len(with_jira) < len(ids):
        modeladmin.message_user(
            request, f"{len(ids) - len(with_jira)} tenant(s) have no Jira connection yet.", messages.WARNING
        )


@admin.register(Tenant)
class TenantAdmin(CopyButtonMedia, TenantScopedAdmin):
    list_display = ["name", "slug", "is_active", "portal_mode", "portal_link", "last_sync", "created_at"]
    list_filter = ["is_active", "portal_mode"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["portal_link", "last_sync", "native_mode_settings"]
    actions = [sync_now]

    @admin.display(description="native mode")
    def native_mode_settings(self, obj):
        """Atlassian's SAML values live on their own page (the native app's admin), linked by URL name."""
        if obj.pk is None:
            return "—"
        existing = AtlassianSaml.objects.filter(tenant=obj).first()
        if existing is not None:
            url = reverse("admin:tenants_atlassiansaml_change", args=[existing.pk])
        else:
            url = reverse("admin:tenants_atlassiansaml_add") + f"?tenant={obj.pk}"
        return format_html(
            '<a href="{}">Atlassian customer SSO settings</a>: the values to paste into Atlassian, the two it '
            "shows back, a Test button and the signing keys.",
            url,
        )

    @admin.display(description="customer portal")
    def portal_link(self, obj):
        return copyable(absolute(obj.get_absolute_url())) if obj.pk else "—"

    @admin.display(description="last sync")
    def last_sync(self, obj):
        run = selectors.sync_run_last(tenant=obj) if obj.pk else None
        if run is None:
            return "never"
        text = f"{run.get_outcome_display()} at {run.started_at:%Y-%m-%d %H:%M} UTC"
        if run.outcome == SyncRun.Outcome.SUCCESS:
            text += f" ({run.desks_seen} service desks)"
        url = reverse("admin:tenants_syncrun_changelist") + f"?tenant__id__exact={obj.pk}"
        if run.error:
            return format_html('<a href="{}">{}</a>: <strong>{}</strong>', url, text, run.error)
        return format_html('<a href="{}">{}</a>', url, text)

    # Only operators create or delete tenants.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # The slug is in every substitute link and every callback URL registered at an identity
    # provider: only operators change it, and the slug given up stays reserved (RetiredSlug).
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else [*fields, "slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if request.user.is_superuser else {}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            RetiredSlug.record_rename(tenant=obj, old_slug=form.initial["slug"])

    def delete_model(self, request, obj):
        RetiredSlug.record_deletion(tenant=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for tenant in queryset:
            RetiredSlug.record_deletion(tenant=tenant)
        super().delete_queryset(request, queryset)


@admin.register(TenantMembership)
class TenantMembershipAdmin(TenantScopedAdmin):
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role", "tenant"]
    search_fields = ["user__username", "user__email", "tenant__name"]


@admin.register(JiraConnection)
class JiraConnectionAdmin(CopyButtonMedia, TenantScopedAdmin):
    list_display = ["tenant", "site_url", "auth_mode", "email", "verified_at", "last_error"]
    list_filter = ["auth_mode", "tenant"]
    search_fields = ["tenant__name", "site_url", "email"]
    readonly_fields = ["verify_button", "cloud_id", "verified_at", "last_error"]
    fields = [
        "tenant",
        "site_url",
        "auth_mode",
        "email",
        "api_token",
        "verify_button",
        "cloud_id",
        "verified_at",
        "last_error",
    ]
    actions = [sync_now]
    # One line per value: where an admin finds it at Atlassian (README, "Jira connection").
    help_texts = {
        "site_url": "The address bar when you open Jira, up to .atlassian.net (e.g. https://acme.atlassian.net).",
        "auth_mode": "Classic: a Jira administrator's own API token. Scoped: an Atlassian service account's token "
        "(admin.atlassian.com → Directory → Service accounts); calls then go through api.atlassian.com.",
        "email": "The account the token belongs to (for a service account: its email on the same page); it must be "
        "a Jira administrator (admin.atlassian.com → Directory → Groups → jira-admins).",
        "api_token": "Classic: id.atlassian.com → Security → Create and manage API tokens. Scoped: the service "
        "account → Create credentials → API token, with the Jira and JSM scopes. Stored encrypted; never shown again.",
    }

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change, help_texts=self.help_texts, **kwargs)

    @admin.display(description="verify")
    def verify_button(self, obj):
        return mark_safe(  # noqa: S308 (constant markup)
            '<button type="submit" name="_verify" value="1" class="button">Save and verify</button> '
            '<span class="help">Checks the token and administrator rights, then lists and syncs the service '
            "desks.</span>"
        )

    def response_change(self, request, obj):
        if "_verify" in request.POST:
            return self._verify_response(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_verify" in request.POST:
            return self._verify_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _verify_response(self, request, obj):
        change_url = reverse("admin:tenants_jiraconnection_change", args=[obj.pk])
        try:
            report = services.jira_connection_verify(connection=obj)
        except JiraError as exc:
            self.message_user(request, f"Verify failed: {exc}", messages.ERROR)
            return HttpResponseRedirect(change_url)
        run = services.service_desks_sync(tenant=obj.tenant, trigger=SyncRun.Trigger.ADMIN)
        desks = [
            (desk, copyable(absolute(desk.get_absolute_url())))
            for desk in selectors.service_desks_active(tenant=obj.tenant)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Jira connection of {obj.tenant} verified",
            "connection": obj,
            "report": report,
            "run": run,
            "desks": desks,
            "change_url": change_url,
        }
        return TemplateResponse(request, "tenants/admin/verify.html", context)


@admin.register(ServiceDesk)
class ServiceDeskAdmin(CopyButtonMedia, TenantScopedAdmin):
    """Desks come from the sync; here an admin switches a portal off or restricts who may use it."""

    list_display = ["__str__", "tenant", "jira_id", "is_active", "access_summary", "substitute_link", "last_synced_at"]
    list_filter = ["is_active", "access", "tenant"]
    search_fields = ["project_name", "project_key", "jira_id"]
    readonly_fields = ["substitute_link", "portal_url", "last_synced_at"]
    fieldsets = [
        (None, {"fields": ["tenant", "jira_id", "project_key", "project_name", "portal_url", "substitute_link"]}),
        ("Who may use this portal", {"fields": ["is_active", "access", "allowed_groups", "allowed_organizations"]}),
        ("What customers see", {"fields": ["request_type_access", "sharing"]}),
        ("Sync", {"fields": ["last_synced_at"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):

        kwargs["form"] = ServiceDeskAccessForm
        return super().get_form(request, obj, **kwargs)

    @admin.display(description="access", ordering="access")
    def access_summary(self, obj):
        if obj.access != ServiceDesk.Access.RESTRICTED:
            return "Any signed-in customer"
        names = [
            *(f"group {g}" for g in obj.allowed_groups or []),
            *(f"org {o}" for o in obj.allowed_organizations or []),
        ]
        return "Only " + (", ".join(names) or "nobody")

    @admin.display(description="substitute link")
    def substitute_link(self, obj):
        return copyable(absolute(obj.get_absolute_url())) if obj.pk else "—"


@admin.register(SyncRun)
class SyncRunAdmin(TenantScopedAdmin):
    list_display = [
        "tenant",
        "trigger",
        "outcome",
        "started_at",
        "finished_at",
        "desks_seen",
        "desks_created",
        "desks_updated",
        "desks_deactivated",
        "error",
    ]
    list_filter = ["outcome", "trigger", "tenant"]
    search_fields = ["tenant__name", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OrganizationRule)
class OrganizationRuleAdmin(TenantScopedAdmin):
    list_display = ["__str__", "tenant", "kind", "value", "organization_name", "remove_when_unmatched", "is_active"]
    list_filter = ["kind", "is_active", "tenant"]
    search_fields = ["value", "organization_name"]
    readonly_fields = ["organization_id"]
    fields = ["tenant", "kind", "value", "organization_name", "remove_when_unmatched", "is_active", "organization_id"]


@admin.register(JiraAccountGrant)
class JiraAccountGrantAdmin(TenantScopedAdmin):
    """Read-only: what provisioning did in Jira. Deleting a row makes the next sign-in redo that step."""

    list_display = ["account_id", "kind", "target", "tenant", "created_at"]
    list_filter = ["kind", "tenant"]
    search_fields = ["account_id", "target"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RetiredSlug)
class RetiredSlugAdmin(admin.ModelAdmin):
    """Operators only: the slugs no other tenant may take. Deleting a row releases its slug on purpose."""

    list_display = ["slug", "former_tenant_name", "former_tenant_id", "reason", "retired_at"]
    search_fields = ["slug", "former_tenant_name"]
    readonly_fields = ["slug", "former_tenant_id", "former_tenant_name", "reason", "retired_at"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
