"""Admin for identity providers (attribute mapping inline, the callback URL to copy), customers and the sign-in log.

Customers and the sign-in log are read-only: both are written by sign-ins; only operators delete rows.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from providers.admin_forms import IdentityProviderForm
from providers.errors import SignInError
from providers.models import AttributeMapping, Customer, IdentityProvider, LoginEvent
from providers.oidc import flow as oidc_flow
from providers.presets import PRESETS
from providers.saml import flow as saml_flow
from providers.services import attribute_mapping_ensure
from sso_gateway.pages import error_page
from tenants.admin import CopyButtonMedia
from tenants.admin_base import TenantScopedAdmin, TenantScopedStackedInline
from tenants.links import absolute, copyable

# Where each provider's console takes the callback URL (one line, shown under it).
PASTE_CALLBACK_AT = {
    "salesforce": "Salesforce: Setup → App Manager → your connected app → Edit → Callback URL.",
    "entra": "Entra ID: App registrations → your app → Authentication → Web → Redirect URIs.",
    "okta": "Okta: Applications → your app → General → Sign-in redirect URIs.",
    "google": "Google: Credentials → your OAuth client → Authorized redirect URIs.",
    "keycloak": "Keycloak: Clients → your client → Settings → Valid redirect URIs.",
    "cognito": "Cognito: App integration → your app client → Hosted UI → Allowed callback URLs.",
    "auth0": "Auth0: Applications → your app → Settings → Allowed Callback URLs.",
    "adfs": "AD FS: Application Groups → your server application → Redirect URI.",
    "gitlab": "GitLab: Applications → your application → Callback URL.",
}


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
    form = IdentityProviderForm
    readonly_fields = ["callback_url", "sp_entity_id", "sp_metadata_url", "where_to_find", "test_connection",
                       "metadata_status"]  # fmt: skip
    inlines = [AttributeMappingInline]
    fieldsets = [
        (None, {"fields": ["tenant", "preset", "name", "slug", "is_enabled", "order"]}),
        (
            "Registration at the provider",
            {
                "fields": [
                    "callback_url",
                    "sp_entity_id",
                    "sp_metadata_url",
                    "test_connection",
                    "where_to_find",
                    "client_id",
                    "client_secret",
                    "domain",
                    "discovery_url",
                    "scopes",
                    "token_auth_method",
                    "metadata_url",
                    "metadata_xml",
                    "metadata_status",
                    "allow_idp_initiated",
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
        where = PASTE_CALLBACK_AT.get(obj.preset, "Paste it where the provider asks for a redirect (callback) URI.")
        return format_html('{} <div class="help">{}</div>', copyable(absolute(obj.callback_path())), where)

    @admin.display(description="where to find the values")
    def where_to_find(self, obj):
        """One line per provider (its preset's, once saved): where its console shows each value asked below."""
        presets = [PRESETS[obj.preset]] if obj.pk and obj.preset in PRESETS else list(PRESETS.values())
        return format_html_join(
            "",
            '<p class="gw-where" data-preset="{}"><strong>{}:</strong> {}</p>',
            ((p.key, p.label, " ".join(filter(None, [p.client_help, p.domain_help]))) for p in presets),
        )

    @admin.display(description="test connection")
    def test_connection(self, obj):
        if not obj.pk:
            return "Save first, then test a real sign-in against the provider here."
        url = reverse("admin:providers_identityprovider_test", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}" target="_blank" rel="noopener">Test connection</a> '
            '<span class="help">Opens a new window, signs in at the provider and shows every claim that came back. '
            "Provisions nothing and creates no customer.</span>",
            url,
        )

    @admin.display(description="SP entity id")
    def sp_entity_id(self, obj):
        if not obj.pk:
            return "Save first."
        return copyable(absolute(obj.sp_metadata_path())) if obj.is_saml else "—"

    @admin.display(description="SP metadata URL")
    def sp_metadata_url(self, obj):
        if not obj.pk:
            return "Save first."
        return copyable(absolute(obj.sp_metadata_path())) if obj.is_saml else "—"

    @admin.display(description="metadata")
    def metadata_status(self, obj):
        if not obj.pk or not obj.is_saml:
            return "—"
        try:
            metadata = obj.saml_metadata()
        except Exception as exc:  # noqa: BLE001 (shown to the admin, whatever it is)
            return f"Unusable: {exc}"
        fetched = f"fetched {obj.metadata_fetched_at:%Y-%m-%d %H:%M} UTC" if obj.metadata_fetched_at else "pasted"
        error = f" Last refresh failed: {obj.metadata_error}" if obj.metadata_error else ""
        certificates = len(metadata.signing_certificates)
        return f"{metadata.entity_id}; {certificates} signing certificate(s); {fetched}.{error}"

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
    list_filter = ["outcome", "reason", "is_test", "tenant", "provider"]
    search_fields = ["reference", "customer__email", "ip", "reason"]
    readonly_fields = [field.name for field in LoginEvent._meta.fields]
    date_hierarchy = "created_at"


from providers import admin_bindings  # noqa: E402, F401 (registers the Jira account bindings' admin)
