"""The admin page of a tenant's native mode: the three values to paste into Atlassian, the two it shows back,
a Test button, and the signing keys with their rotation (also `manage.py saml_idp_keys`).

Atlassian's order (admin.atlassian.com → Security → Identity providers → your portal-only customer
provider → SAML single sign-on): paste the identity provider entity ID, SSO URL and certificate, save,
and Atlassian shows its service provider entity URL and ACS URL, which go into this page.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from native.idp import idp_urls
from native.keys import NoNextKey, idp_key_prepare_next, idp_key_promote, idp_keys_published
from tenants.admin_base import TenantScopedAdmin
from tenants.links import copyable
from tenants.models import AtlassianSaml, SamlIdpKey, Tenant


def _tenants(queryset):
    return Tenant.objects.filter(pk__in=queryset.values("tenant_id"))


@admin.action(description="Prepare the next signing key (published beside the current one)", permissions=["change"])
def prepare_next_key(modeladmin, request, queryset):
    for tenant in _tenants(queryset):
        idp_key_prepare_next(tenant=tenant)
    modeladmin.message_user(
        request,
        "A next certificate is now in the metadata and on the page. Paste it into Atlassian, then promote it.",
    )


@admin.action(description="Promote the next signing key (it signs from now on)", permissions=["change"])
def promote_next_key(modeladmin, request, queryset):
    for tenant in _tenants(queryset):
        try:
            idp_key_promote(tenant=tenant)
        except NoNextKey:
            modeladmin.message_user(request, f"{tenant}: no next key to promote; prepare one first.", messages.ERROR)
            continue
        modeladmin.message_user(request, f"{tenant}: the next key signs from now on; the old one is retired.")


@admin.register(AtlassianSaml)
class AtlassianSamlAdmin(TenantScopedAdmin):
    list_display = ["tenant", "portal_mode", "sp_entity_id", "current_key", "updated_at"]
    search_fields = ["tenant__name", "sp_entity_id"]
    actions = [prepare_next_key, promote_next_key]
    readonly_fields = [
        "idp_entity_id", "idp_sso_url", "idp_certificate", "idp_metadata", "portal_mode", "test_button", "signing_keys",
    ]  # fmt: skip

    class Media:
        js = ["gateway/admin/copy.js"]
        css = {"all": ["native/admin.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("sp_entity_id", "acs_url"):
            field.widget.attrs["class"] = "gw-wide"  # Atlassian's URLs are long; the whole value should show
        return field

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["tenant"], "description": "Save once: this page then shows the three values "
                                                                 "to paste into Atlassian."})]  # fmt: skip
        return [
            (None, {"fields": ["tenant", "portal_mode"]}),
            (
                "1. Paste these into Atlassian",
                {
                    "fields": ["idp_entity_id", "idp_sso_url", "idp_certificate", "idp_metadata"],
                    "description": "admin.atlassian.com → Security → Identity providers → your portal-only "
                    "customer provider → Set up SAML single sign-on.",
                },
            ),
            (
                "2. The two values Atlassian shows after you save there",
                {"fields": ["sp_entity_id", "acs_url"]},
            ),
            ("3. Test", {"fields": ["test_button"]}),
            ("Signing keys", {"fields": ["signing_keys"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "tenant"] if obj is not None else fields

    @admin.display(description="portal mode")
    def portal_mode(self, obj):
        url = reverse("admin:tenants_tenant_change", args=[obj.tenant_id])
        if obj.tenant.native_mode:
            return format_html('{} (<a href="{}">change</a>)', obj.tenant.get_portal_mode_display(), url)
        return format_html(
            '<strong>Hosted portal only: the SSO URL answers “not set up” until you <a href="{}">switch the '
            "tenant's portal mode</a> to Atlassian portal or Both.</strong>",
            url,
        )

    @admin.display(description="identity provider entity ID")
    def idp_entity_id(self, obj):
        return copyable(idp_urls(tenant=obj.tenant).entity_id)

    @admin.display(description="identity provider SSO URL")
    def idp_sso_url(self, obj):
        return copyable(idp_urls(tenant=obj.tenant).sso_url)

    @admin.display(description="public x509 certificate")
    def idp_certificate(self, obj):
        keys = idp_keys_published(tenant=obj.tenant)
        return format_html_join(
            "",
            '<div class="gw-cert"><p>{}</p><pre class="gw-copy-value">{}</pre>'
            '<button type="button" class="button gw-copy" data-copy="{}">Copy</button></div>',
            ((key.get_state_display(), key.certificate, key.certificate) for key in keys),
        )

    @admin.display(description="metadata")
    def idp_metadata(self, obj):
        url = idp_urls(tenant=obj.tenant).metadata_url
        return format_html('{} <a class="button" href="{}?download=1">Download metadata</a>', copyable(url), url)

    @admin.display(description="test")
    def test_button(self, obj):
        if not obj.tenant.native_mode:
            return "Switch the portal mode first."
        url = reverse("native:test", kwargs={"tenant_slug": obj.tenant.slug})
        return format_html(
            '<a class="button" href="{}" target="_blank" rel="noopener">Test</a> <span class="help">Runs the whole '
            "path in a new window: your sign-in at one of the tenant's providers, the signed assertion, posted to a "
            "built-in test service provider that checks it as Atlassian does and shows it.</span>",
            url,
        )

    @admin.display(description="keys")
    def signing_keys(self, obj):
        keys = SamlIdpKey.objects.filter(tenant=obj.tenant).exclude(state=SamlIdpKey.State.RETIRED)
        rows = format_html_join(
            "", "<li>{}: created {} UTC</li>", ((k.get_state_display(), f"{k.created_at:%Y-%m-%d %H:%M}") for k in keys)
        )
        return format_html(
            "<ul>{}</ul><p class='help'>To rotate: select this row in the list and run “Prepare the next signing "
            "key”, paste the next certificate into Atlassian, then “Promote the next signing key” (or "
            "<code>manage.py saml_idp_keys {} --prepare-next</code> / <code>--promote</code>).</p>",
            rows,
            obj.tenant.slug,
        )

    @admin.display(description="current key")
    def current_key(self, obj):
        key = SamlIdpKey.objects.filter(tenant=obj.tenant, state=SamlIdpKey.State.CURRENT).first()
        return f"since {key.promoted_at or key.created_at:%Y-%m-%d}" if key else "made at first use"
