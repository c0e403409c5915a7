"""The identity provider's admin form: a SAML provider's metadata URL is fetched when the admin saves it.

The fetched document lands in `metadata_xml`, so the model's own validation (the same as for pasted XML
and for `tenant_config apply`) checks it before anything is saved; a URL that gives no usable metadata
is an error under the URL field, naming why.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from providers.models import IdentityProvider
from providers.presets import PRESETS
from providers.saml.metadata import MetadataUnusable, metadata_fetch, outbound_url_ok
from tenants.forms import SecretKeepingModelForm
from tenants.links import absolute


class IdentityProviderForm(SecretKeepingModelForm):
    fetched_at = None

    def clean(self):
        cleaned = super().clean()
        preset = PRESETS.get(cleaned.get("preset") or "")
        url = cleaned.get("metadata_url")
        if preset is None or preset.protocol != "saml" or not url:
            return cleaned
        if not outbound_url_ok(url):
            return cleaned  # the model's own check names what is wrong with it; nothing is fetched
        if url != self.instance.metadata_url or "metadata_url" in self.changed_data or not cleaned.get("metadata_xml"):
            try:
                cleaned["metadata_xml"] = metadata_fetch(url)
            except MetadataUnusable as exc:
                self.add_error("metadata_url", f"No usable SAML metadata at this URL: {exc}")
            else:
                self.fetched_at = timezone.now()
        return cleaned


# -- The form follows its preset (issue 17): what the page's script needs, and what the server renders first.

DEFAULT_PRESET = IdentityProvider._meta.get_field("preset").default
PLACEHOLDERS = {
    "discovery_url": "https://idp.example.com/.well-known/openid-configuration",
    "email_domains": "example.com example.org",
    "metadata_xml": '<md:EntityDescriptor entityID="https://idp.example.com/saml" …>',
}
_TENANT, _PROVIDER = "tenant-slug-here", "provider-slug-here"  # stand-ins the script replaces


class TenantSlugSelect(forms.Select):
    """Each tenant option carries its slug (data-slug), so the page can preview URLs before the first save."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-slug"] = instance.slug
        return option


def preset_choices_grouped() -> list:
    """The preset choices under their protocol, so an admin sees at once which presets are SAML."""
    groups = {"oidc": [], "saml": []}
    for key, preset in PRESETS.items():
        groups[preset.protocol].append((key, preset.label))
    return [("OpenID Connect", groups["oidc"]), ("SAML 2.0", groups["saml"])]


def preset_help(preset) -> tuple[str, str]:
    """(where the values asked below are, where the gateway's URLs go) for one preset."""
    if preset.protocol == "saml":
        return f"Metadata: {preset.metadata_help}", f"Register the gateway: {preset.register_help}"
    values = " ".join(filter(None, [preset.client_help, preset.domain_help]))
    return f"Values: {values}", f"Callback URL: {preset.register_help}"


def _path(kind: str, tenant_slug: str, provider_slug: str) -> str:
    name = {"callback": "providers:callback", "acs": "providers:saml_acs", "entity": "providers:saml_metadata"}[kind]
    return reverse(name, kwargs={"tenant_slug": tenant_slug, "provider_slug": provider_slug})


def form_data() -> dict:
    presets = {
        key: {
            "protocol": preset.protocol,
            "needsDomain": preset.needs_domain,
            "discoveryUrl": preset.protocol == "oidc" and preset.discovery is None,
            "domainLabel": preset.domain_label,
            "domainPlaceholder": preset.domain_placeholder,
            "clientPlaceholder": preset.client_placeholder,
            "clientHelp": preset.client_help,
            "domainHelp": preset.domain_help,
            "metadataPlaceholder": preset.metadata_placeholder,
            "mapping": preset.mapping,
        }
        for key, preset in PRESETS.items()
    }
    urls = {kind: absolute(_path(kind, _TENANT, _PROVIDER)) for kind in ("callback", "acs", "entity")}
    return {"presets": presets, "urls": urls, "tenant": _TENANT, "provider": _PROVIDER}


def url_preview(obj, kind: str, *, help_text: str) -> str:
    """The URL with a copy button, from the saved row or, before the first save, as soon as tenant and slug are
    known (the script updates it as they are typed)."""
    tenant = obj.tenant if obj is not None and obj.tenant_id else None
    url = absolute(_path(kind, tenant.slug, obj.slug)) if tenant is not None and obj.slug else ""
    return format_html(
        '<code class="gw-copy-value" data-gw-url="{}">{}</code> '
        '<button type="button" class="button gw-copy" data-copy="{}"{}>Copy</button>'
        '<span class="gw-url-empty"{}>Choose the tenant and type the slug: the URL appears here, to paste at the '
        "provider before you save.</span>"
        '<div class="help">{}</div>',
        kind, url, url, " hidden" if not url else "", " hidden" if url else "", help_text,
    )  # fmt: skip
