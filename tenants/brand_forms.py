"""The tenant's admin form: its brand (an uploaded logo, checked by `tenants.logos`) beside the model's fields."""

from django import forms
from django.core.exceptions import ValidationError

from tenants.logos import MAX_BYTES, logo_content_type
from tenants.models import Tenant


class TenantForm(forms.ModelForm):
    logo_file = forms.FileField(
        label="Logo",
        required=False,
        help_text=f"PNG, JPEG, GIF, WebP, ICO or SVG, at most {MAX_BYTES // 1024} KB. "
        "Shown in every customer page's header and used as the favicon.",
    )
    logo_remove = forms.BooleanField(label="Remove the uploaded logo", required=False)

    class Meta:
        model = Tenant
        fields = [
            "name",
            "slug",
            "is_active",
            "portal_mode",
            "help_center_name",
            "announcement",
            "logo_url",
            "brand_color",
            "default_language",
            "default_time_zone",
        ]

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            raise ValidationError(f"The logo is {upload.size // 1024} KB; at most {MAX_BYTES // 1024} KB is accepted.")
        data = upload.read()
        return data, logo_content_type(data)

    def save(self, commit=True):
        tenant = super().save(commit=False)
        if self.cleaned_data.get("logo_file"):
            tenant.logo, tenant.logo_content_type = self.cleaned_data["logo_file"]
        elif self.cleaned_data.get("logo_remove"):
            tenant.logo, tenant.logo_content_type = None, ""
        if commit:
            tenant.save()
            self.save_m2m()
        return tenant
