"""Re-encrypting every stored secret under the newest key.

Keys in GATEWAY_ENCRYPTION_KEYS are newest first. After a new key is put in front, this
rewrites each EncryptedTextField value with MultiFernet.rotate, so the old key can then be
removed. It reads and writes the ciphertext directly (never the plaintext through the model)
and runs in one transaction: if any value cannot be decrypted, nothing is rewritten.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models.functions import Cast

from tenants import crypto
from tenants.fields import encrypted_fields


class SecretsUnreadable(Exception):
    """Some stored values decrypt with no configured key; `where` names them (model.field #pk)."""

    def __init__(self, where: list[str]):
        self.where = where
        super().__init__(
            f"{len(where)} stored secret(s) cannot be decrypted with any key in GATEWAY_ENCRYPTION_KEYS: "
            + ", ".join(where)
            + ". Add the key they were encrypted with (after the new one) and run again; nothing was changed."
        )


@dataclass
class RotationCount:
    label: str  # app_label.Model.field
    rotated: int


def secrets_rotate() -> list[RotationCount]:
    counts, unreadable = [], []
    with transaction.atomic():
        for model, field in encrypted_fields():
            rotated = _rotate_field(model, field, unreadable)
            counts.append(RotationCount(label=f"{model._meta.label}.{field.name}", rotated=rotated))
        if unreadable:
            raise SecretsUnreadable(unreadable)
    return counts


def _rotate_field(model: type[models.Model], field: models.Field, unreadable: list[str]) -> int:
    # Cast to a plain TextField so the ORM hands back the ciphertext, not the decrypted Secret.
    rows = (
        model._default_manager.exclude(**{field.attname: ""})
        .exclude(**{f"{field.attname}__isnull": True})
        .annotate(_ciphertext=Cast(field.attname, output_field=models.TextField()))
        .values_list("pk", "_ciphertext")
    )
    rotated = 0
    for pk, ciphertext in rows.iterator():
        try:
            new = crypto.rotate(ciphertext)
        except crypto.SecretUnreadable:
            unreadable.append(f"{model._meta.label}.{field.name} #{pk}")
            continue
        # A Value with a plain TextField is written as is, not encrypted a second time.
        model._default_manager.filter(pk=pk).update(**{field.attname: models.Value(new, models.TextField())})
        rotated += 1
    return rotated
