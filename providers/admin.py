"""Admin for identity providers, with their attribute mapping inline and the callback URL to copy."""

from django.contrib import admin

from providers.models import AttributeMapping, IdentityProvider
from providers.presets import PRESETS
from providers.services import attribute_mapping_ensure
from tenants.admin import CopyButtonMedia
from tenants.admin_base import TenantScopedAdmin, TenantScopedStackedInline
from tenants.links import absolute, copyable


class AttributeMappingInline(TenantScopedStackedInline):
    model = AttributeMapping
    can_delete = False
    extra = 1
    max_num = 1


@admin.register(IdentityProvider)
class IdentityProviderAdmin(CopyButtonMedia, TenantScopedAdmin):
    list_display = ["name", "tenant", "preset", "slug", "is_enabled", "order"]
    list_filter = ["preset", "is_enabled", "tenant"]
    search_fields = ["name", "slug", "client_id", "domain"]
    readonly_fields = ["callback_url", "where_to_find"]
    inlines = [AttributeMappingInline]
    fieldsets = [
        (None, {"fields": ["tenant", "preset", "name", "slug", "is_enabled", "order"]}),
        (
            "Registration at the provider",
            {
                "fields": [
                    "callback_url",
                    "where_to_find",
                    "client_id",
                    "client_secret",
                    "domain",
                    "discovery_url",
                    "scopes",
                    "token_auth_method",
                ]
            },
        ),
        ("Routing", {"fields": ["email_domains"]}),
        (
            "Token checks",
            {"classes": ["collapse"], "fields": ["clock_leeway", "allow_hs256", "allow_unverified_email"]},
        ),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]}

    @admin.display(description="callback URL")
    def callback_url(self, obj):
        if not obj.pk:
            return "Save first: the callback URL appears here, to paste into the provider's app registration."
        return copyable(absolute(obj.callback_path()))

    @admin.display(description="where to find the values")
    def where_to_find(self, obj):
        preset = PRESETS.get(obj.preset) if obj.pk else PRESETS["salesforce"]
        return preset.client_help if preset else ""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        attribute_mapping_ensure(provider=form.instance)
