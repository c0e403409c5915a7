"""The identity provider's admin form: a SAML provider's metadata URL is fetched when the admin saves it.

The fetched document lands in `metadata_xml`, so the model's own validation (the same as for pasted XML
and for `tenant_config apply`) checks it before anything is saved; a URL that gives no usable metadata
is an error under the URL field, naming why.
"""

from django.utils import timezone

from providers.presets import PRESETS
from providers.saml.metadata import MetadataUnusable, metadata_fetch
from tenants.forms import SecretKeepingModelForm


class IdentityProviderForm(SecretKeepingModelForm):
    fetched_at = None

    def clean(self):
        cleaned = super().clean()
        preset = PRESETS.get(cleaned.get("preset") or "")
        url = cleaned.get("metadata_url")
        if preset is None or preset.protocol != "saml" or not url:
            return cleaned
        if url != self.instance.metadata_url or "metadata_url" in self.changed_data or not cleaned.get("metadata_xml"):
            try:
                cleaned["metadata_xml"] = metadata_fetch(url)
            except MetadataUnusable as exc:
                self.add_error("metadata_url", f"No usable SAML metadata at this URL: {exc}")
            else:
                self.fetched_at = timezone.now()
        return cleaned
