"""A model field whose value is encrypted in the database and never rendered back."""

from django.db import models

from tenants import crypto


class Secret(str):
    """A decrypted secret. Its repr hides the value so it never lands in a traceback or log."""

    def __repr__(self) -> str:
        return "Secret('***')"


class EncryptedTextField(models.TextField):
    """Stores `crypto.encrypt(value)`; reads back a `Secret`. Empty stays empty (no secret set)."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        return Secret(crypto.decrypt(value))

    def to_python(self, value):
        if not value:
            return ""
        return value if isinstance(value, Secret) else Secret(value)

    def get_prep_value(self, value):
        if not value:
            return ""
        return crypto.encrypt(str(value))

    def value_to_string(self, obj):
        # Serialisation (dumpdata, exports) never carries the secret.
        return ""

    def formfield(self, **kwargs):
        from tenants.forms import SecretField, SecretInput

        # Forced, not defaulted: the admin passes its textarea widget for every TextField, and a
        # secret must never be rendered back, whoever builds the form.
        return super().formfield(**{**kwargs, "form_class": SecretField, "widget": SecretInput})


def encrypted_fields():
    """Every (model, field) pair holding an encrypted secret, for rotation and audits."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
