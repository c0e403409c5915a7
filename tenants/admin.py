"""Admin for tenants, memberships, Jira connections, service desks and sync runs."""

from django.contrib import admin

from tenants.admin_base import TenantScopedAdmin
from tenants.links import absolute, copyable
from tenants.models import JiraConnection, ServiceDesk, SyncRun, Tenant, TenantMembership

admin.site.site_header = "JSM SSO Gateway"
admin.site.site_title = "JSM SSO Gateway"
admin.site.index_title = "Configuration"


class CopyButtonMedia:
    class Media:
        js = ["gateway/admin/copy.js"]


@admin.register(Tenant)
class TenantAdmin(CopyButtonMedia, TenantScopedAdmin):
    list_display = ["name", "slug", "is_active", "portal_link", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["portal_link", "last_sync"]

    @admin.display(description="customer portal")
    def portal_link(self, obj):
        return copyable(absolute(obj.get_absolute_url())) if obj.pk else "—"

    @admin.display(description="last sync")
    def last_sync(self, obj):
        run = obj.sync_runs.first() if obj.pk else None
        if run is None:
            return "never"
        text = f"{run.get_outcome_display()} at {run.started_at:%Y-%m-%d %H:%M} UTC"
        return f"{text}: {run.error}" if run.error else text

    # Only operators create or delete tenants.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(TenantMembership)
class TenantMembershipAdmin(TenantScopedAdmin):
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role", "tenant"]
    search_fields = ["user__username", "user__email", "tenant__name"]


@admin.register(JiraConnection)
class JiraConnectionAdmin(TenantScopedAdmin):
    list_display = ["tenant", "site_url", "auth_mode", "email", "verified_at"]
    list_filter = ["auth_mode", "tenant"]
    search_fields = ["tenant__name", "site_url", "email"]
    readonly_fields = ["cloud_id", "verified_at", "last_error"]
    fields = ["tenant", "site_url", "auth_mode", "email", "api_token", "cloud_id", "verified_at", "last_error"]


@admin.register(ServiceDesk)
class ServiceDeskAdmin(CopyButtonMedia, TenantScopedAdmin):
    list_display = ["__str__", "tenant", "jira_id", "is_active", "access", "substitute_link", "last_synced_at"]
    list_filter = ["is_active", "access", "tenant"]
    search_fields = ["project_name", "project_key", "jira_id"]
    readonly_fields = ["substitute_link", "portal_url", "last_synced_at"]
    fields = [
        "tenant",
        "jira_id",
        "project_key",
        "project_name",
        "portal_url",
        "substitute_link",
        "is_active",
        "access",
        "allowed_groups",
        "allowed_organizations",
        "last_synced_at",
    ]

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
