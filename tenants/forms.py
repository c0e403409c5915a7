"""Form pieces shared by the admin: the write-only secret input."""

from django import forms


class SecretInput(forms.PasswordInput):
    """Never renders the stored value; says whether one is set instead."""

    template_name = "tenants/widgets/secret_input.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        context["widget"]["is_set"] = bool(value)
        return context


class SecretField(forms.CharField):
    """Write-only: a blank submission keeps the stored secret (see `SecretKeepingFormMixin`)."""

    widget = SecretInput

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)
        self.help_text = self.help_text or "Stored encrypted. Leave blank to keep the saved value."

    def has_changed(self, initial, data):
        return bool(data)


class SecretKeepingModelForm(forms.ModelForm):
    """A ModelForm where leaving a secret blank keeps the value already saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, SecretField) and getattr(self.instance, name, ""):
                field.required = False

    def _post_clean(self):
        for name, field in self.fields.items():
            if isinstance(field, SecretField) and not self.cleaned_data.get(name) and self.instance.pk:
                self.cleaned_data[name] = getattr(self.instance, name)
        super()._post_clean()
