"""Admin for customers and the sign-in log (read-only: both are written by sign-ins)."""

from django.contrib import admin

from portal.models import Customer, LoginEvent
from tenants.admin_base import TenantScopedAdmin


@admin.register(Customer)
class CustomerAdmin(TenantScopedAdmin):
    list_display = ["__str__", "email", "tenant", "provider", "provisioning", "jira_account_id", "last_login_at"]
    list_filter = ["provisioning", "tenant", "provider"]
    search_fields = ["email", "display_name", "subject", "jira_account_id"]
    readonly_fields = [field.name for field in Customer._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LoginEvent)
class LoginEventAdmin(TenantScopedAdmin):
    list_display = ["created_at", "reference", "outcome", "reason", "tenant", "provider", "customer", "ip", "is_test"]
    list_filter = ["outcome", "reason", "is_test", "tenant", "provider"]
    search_fields = ["reference", "customer__email", "ip", "reason"]
    readonly_fields = [field.name for field in LoginEvent._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
