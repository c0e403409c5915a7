"""Admin for identity providers (attribute mapping inline, the callback URL to copy), customers and the sign-in log.

Customers and the sign-in log are read-only: both are written by sign-ins; only operators delete rows.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join, json_script

from providers.admin_forms import (
    DEFAULT_PRESET,
    PLACEHOLDERS,
    IdentityProviderForm,
    TenantSlugSelect,
    form_data,
    preset_choices_grouped,
    preset_help,
    url_preview,
)
from providers.errors import SignInError
from providers.models import AttributeMapping, Customer, IdentityProvider, LoginEvent
from providers.oidc import flow as oidc_flow
from providers.presets import PRESETS
from providers.saml import flow as saml_flow
from providers.services import attribute_mapping_ensure
from sso_gateway.pages import error_page
from sso_gateway.saml import SamlInputError
from tenants.admin import CopyButtonMedia
from tenants.admin_base import BlankAsNoneFilter, TenantScopedAdmin, TenantScopedStackedInline


class AttributeMappingInline(TenantScopedStackedInline):
    model = AttributeMapping
    # SAML attribute names are URIs: the admin's wider URL input shows them whole.
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"class": "vURLField"})}}
    can_delete = False
    extra = 1
    max_num = 1


@admin.register(IdentityProvider)
class IdentityProviderAdmin(CopyButtonMedia, TenantScopedAdmin):
    """One page shape for both protocols. The form follows the chosen preset (providers/static/.../provider_form.js):
    only its protocol's fieldset, its fields and its help show; the callback or ACS URL and the SP entity id are
    previewed from the tenant and slug before the first save. Without JavaScript, the saved preset's protocol
    decides which fieldset shows."""

    form = IdentityProviderForm
    list_display = ["name", "tenant", "preset", "slug", "is_enabled", "order"]
    list_filter = ["preset", "is_enabled", "tenant"]
    search_fields = ["name", "slug", "client_id", "domain", "metadata_url"]
    readonly_fields = ["callback_url", "acs_url", "sp_entity_id", "where_to_find", "test_connection", "metadata_status"]
    inlines = [AttributeMappingInline]

    class Media:  # replaces CopyButtonMedia's, so it names the copy script too
        js = ["gateway/admin/copy.js", "providers/admin/provider_form.js"]

    def get_fieldsets(self, request, obj=None):
        preset = PRESETS.get(request.POST.get("preset") or (obj.preset if obj else "") or DEFAULT_PRESET)
        protocol = preset.protocol if preset else "oidc"

        def classes(kind: str, *more: str) -> list[str]:
            return [f"gw-protocol-{kind}", *more, *([] if kind == protocol else ["hidden"])]

        return [
            (None, {"fields": ["tenant", "preset", "name", "slug", "is_enabled", "order"]}),
            ("Where to find the values", {"fields": ["where_to_find"]}),
            ("Registration at the provider", {"classes": classes("oidc"), "fields": [
                "callback_url", "client_id", "client_secret", "domain", "discovery_url", "scopes", "token_auth_method",
            ]}),
            ("Registration at the provider", {"classes": classes("saml"), "fields": [
                "acs_url", "sp_entity_id", "metadata_url", "metadata_xml", "metadata_status", "sign_authn_requests",
                "want_encrypted_assertions",
            ]}),
            ("Test connection", {"fields": ["test_connection"]}),
            ("Routing", {"fields": ["email_domains"]}),
            ("Checks", {"classes": ["collapse"], "fields": ["clock_leeway"]}),
            ("Token checks", {"classes": classes("oidc", "collapse"),
                              "fields": ["allow_hs256", "allow_unverified_email"]}),
            ("Response checks", {"classes": classes("saml", "collapse"), "fields": ["allow_idp_initiated"]}),
        ]  # fmt: skip

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "tenant":
            kwargs["widget"] = TenantSlugSelect  # the URL previews read the tenant's slug from its option
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "preset":
            field.choices = preset_choices_grouped()
        if db_field.name in PLACEHOLDERS and field is not None:
            field.widget.attrs["placeholder"] = PLACEHOLDERS[db_field.name]
        return field

    @admin.display(description="callback URL")
    def callback_url(self, obj):
        return url_preview(obj, "callback", help_text="Paste it where the provider asks for a redirect (callback) URI.")

    @admin.display(description="ACS URL")
    def acs_url(self, obj):
        return url_preview(obj, "acs", help_text="The Assertion Consumer Service (reply) URL, HTTP-POST binding.")

    @admin.display(description="SP entity id")
    def sp_entity_id(self, obj):
        help_text = "The gateway's identifier at the provider (Identifier, Audience URI). It is also the address of "
        return url_preview(obj, "entity", help_text=help_text + "the SP metadata, for providers that import it.")

    @admin.display(description="where to find the values")
    def where_to_find(self, obj):
        """The chosen preset's help only (the others are there, hidden, for the script to show on a change)."""
        current = obj.preset if obj and obj.preset in PRESETS else DEFAULT_PRESET
        paragraphs = format_html_join(
            "",
            '<div class="gw-where" data-preset="{}"{}><p><strong>{}</strong></p><p>{}</p><p>{}</p></div>',
            ((key, " hidden" if key != current else "", preset.label, *preset_help(preset))
             for key, preset in PRESETS.items()),
        )  # fmt: skip
        return format_html("{}{}", paragraphs, json_script(form_data(), "gw-provider-form"))

    @admin.display(description="test connection")
    def test_connection(self, obj):
        if not obj.pk:
            return "Save first, then test a real sign-in against the provider here."
        url = reverse("admin:providers_identityprovider_test", args=[obj.pk])
        what = "the NameID and every attribute" if obj.is_saml else "every claim"
        return format_html(
            '<a class="button" href="{}" target="_blank" rel="noopener">Test connection</a> '
            '<span class="help">Opens a new window, signs in at the provider and shows {} that came back, and the '
            "mapped result. Provisions nothing and creates no customer.</span>",
            url,
            what,
        )

    @admin.display(description="metadata")
    def metadata_status(self, obj):
        if not obj.pk:
            return "Read and checked when you save: the identity provider's entity id and signing certificates."
        if not obj.is_saml:
            return "—"
        try:
            metadata = obj.saml_metadata()
        except SamlInputError as exc:
            return f"Unusable: {exc}"
        fetched = f"fetched {obj.metadata_fetched_at:%Y-%m-%d %H:%M} UTC" if obj.metadata_fetched_at else "pasted"
        error = f" Last refresh failed: {obj.metadata_error}" if obj.metadata_error else ""
        certificates = len(metadata.signing_certificates)
        signed = " It asks for signed AuthnRequests: they are signed." if metadata.want_authn_requests_signed else ""
        return f"Issuer {metadata.entity_id}; {certificates} signing certificate(s); {fetched}.{signed}{error}"

    def save_model(self, request, obj, form, change):
        if getattr(form, "fetched_at", None):
            obj.metadata_fetched_at, obj.metadata_error = form.fetched_at, ""
        super().save_model(request, obj, form, change)

    def get_urls(self):
        test = self.admin_site.admin_view(self.test_connection_view)
        return [path("<path:object_id>/test/", test, name="providers_identityprovider_test"), *super().get_urls()]

    def test_connection_view(self, request, object_id):
        """Starts a sign-in flagged as a test; the callback shows claims instead of signing in."""
        provider = self.get_object(request, object_id)
        if provider is None:
            raise Http404("No such identity provider.")
        if not self.has_change_permission(request, provider):
            raise PermissionDenied
        next_path = reverse("portal:home", kwargs={"tenant_slug": provider.tenant.slug})
        try:
            flow = saml_flow if provider.is_saml else oidc_flow
            return flow.sign_in_start(request=request, provider=provider, next_path=next_path, test=True)
        except SignInError as error:
            return error_page(request, error, tenant=provider.tenant, staff_detail=True)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        attribute_mapping_ensure(provider=form.instance)


class WrittenBySignInsAdmin(TenantScopedAdmin):
    """Rows only sign-ins write: nobody adds or changes one; only operators delete (retention, erasure)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Customer)
class CustomerAdmin(WrittenBySignInsAdmin):
    """Customers are written by sign-ins (their identity is tenant, provider and subject). Tenant admins look;
    only operators delete one (an erasure request), which also blocks a tenant admin from erasing customers by
    deleting their identity provider: they disable it instead."""

    list_display = ["__str__", "email", "tenant", "provider", "provisioning", "jira_account_id", "last_login_at"]
    list_filter = ["provisioning", "tenant", "provider"]
    search_fields = ["email", "display_name", "subject", "jira_account_id"]
    readonly_fields = [field.name for field in Customer._meta.fields]


@admin.register(LoginEvent)
class LoginEventAdmin(WrittenBySignInsAdmin):
    """The sign-in log is an audit trail (OWASP ASVS 4.0 V7.3.3: logs protected from modification)."""

    list_display = ["created_at", "reference", "outcome", "reason", "tenant", "provider", "customer", "ip", "is_test"]
    list_filter = ["outcome", ("reason", BlankAsNoneFilter), "is_test", "tenant", "provider"]
    search_fields = ["reference", "customer__email", "ip", "reason"]
    readonly_fields = [field.name for field in LoginEvent._meta.fields]
    date_hierarchy = "created_at"


from providers import admin_bindings  # noqa: E402, F401 (registers the Jira account bindings' admin)
