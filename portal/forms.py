"""The create-request form, built from a request type's field metadata.

GET servicedesk/{id}/requesttype/{id}/field gives each field's `jiraSchema` (type, items, system,
custom), `required`, `validValues` and `defaultValues`. `field_kind` maps that to one of the kinds the
portal renders; `RequestForm` validates each the way JSM does (required, options among the valid
values, number / date / date-time / URL formats, labels without spaces, text lengths) so a mistake is
shown next to the field with what was typed kept, instead of Jira's one-line 400. `field_values`
writes `requestFieldValues` in Jira's field input formats: options as {"id"}, multi-options as
[{"id"}], numbers as numbers, dates as "YYYY-MM-DD", date-times as "YYYY-MM-DDThh:mm:ss.sss+0000",
labels as a list of strings. Attachments go through attachTemporaryFile (portal/services.py).
"""

import math
import re
from datetime import UTC
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from tenants.jira.types import RequestTypeField

TEXT_MAX = 255  # summary and single-line text fields
PARAGRAPH_MAX = 32767  # Jira's limit for multi-line text
LABEL_MAX = 255


def field_kind(meta: RequestTypeField) -> str:
    """The portal's kind of a JSM field, or "unsupported" (user pickers, cascading selects, ...)."""
    kind, items, custom = meta.schema_type, meta.schema_items, meta.schema_custom.rpartition(":")[2]
    if meta.field_id == "attachment" or meta.schema_system == "attachment" or items == "attachment":
        return "attachment"
    if meta.schema_system == "labels" or (kind == "array" and items == "string"):
        return "labels"
    if kind in ("option", "priority") or (kind == "array" and items in ("option", "component", "version")):
        many = kind == "array"
        if custom == "radiobuttons":
            return "radio"
        return ("checkbox" if custom == "multicheckboxes" else "multiselect") if many else "select"
    if kind in ("number", "date", "datetime"):
        return kind
    if kind == "string":
        if custom == "url":
            return "url"
        if meta.schema_system in ("description", "environment") or custom == "textarea":
            return "paragraph"
        return "text"
    return "unsupported"


def upload_limits() -> tuple[int, int, set[str]]:
    """(max bytes per file, max files, allowed extensions): GATEWAY_UPLOAD_MAX_BYTES/_MAX_FILES/_TYPES."""
    max_bytes = settings.GATEWAY_UPLOAD_MAX_BYTES
    max_files = settings.GATEWAY_UPLOAD_MAX_FILES
    types = settings.GATEWAY_UPLOAD_ALLOWED_TYPES
    names = types.split() if isinstance(types, str) else list(types)
    return max_bytes, max_files, {t.lower().lstrip(".") for t in names}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentField(forms.FileField):
    """Several files; each checked for size and type with a message that names the file and the limit."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError("Attach at least one file.", code="required")
            return []
        max_bytes, max_files, allowed = upload_limits()
        if len(files) > max_files:
            raise forms.ValidationError(f"Attach at most {max_files} files at a time.")
        for upload in files:
            name = PurePath(upload.name or "file").name
            extension = name.rpartition(".")[2].lower() if "." in name else ""
            if extension not in allowed:
                raise forms.ValidationError(
                    f"“{name}” is a type of file the help desk does not accept. Allowed: {', '.join(sorted(allowed))}."
                )
            if upload.size > max_bytes:
                raise forms.ValidationError(
                    f"“{name}” is {filesizeformat(upload.size)}; files may be at most {filesizeformat(max_bytes)}."
                )
            if upload.size == 0:
                raise forms.ValidationError(f"“{name}” is empty.")
        return files


def _choices(meta: RequestTypeField) -> list[tuple[str, str]]:
    return [(str(v.get("value", "")), v.get("label") or str(v.get("value", ""))) for v in meta.valid_values]


def _initial(meta: RequestTypeField, kind: str):
    values = [str(v.get("value", "")) for v in meta.default_values if v.get("value") not in (None, "")]
    if not values:
        return None
    return values if kind in ("multiselect", "checkbox") else (" ".join(values) if kind == "labels" else values[0])


def _help(description: str, hint: str) -> str:
    text = description.strip()
    return f"{text}{'' if not text or text[-1] in '.!?' else '.'} {hint}".strip()


def _django_field(meta: RequestTypeField, kind: str) -> forms.Field:
    common = {"label": meta.name or meta.field_id, "required": meta.required, "help_text": meta.description}
    common["initial"] = _initial(meta, kind)
    if kind == "text":
        return forms.CharField(max_length=TEXT_MAX, **common)
    if kind == "paragraph":
        return forms.CharField(max_length=PARAGRAPH_MAX, widget=forms.Textarea(attrs={"rows": 6}), **common)
    if kind in ("select", "radio"):
        choices = _choices(meta)
        if kind == "select":
            choices = [("", "Choose…")] + choices
        widget = forms.RadioSelect if kind == "radio" else forms.Select
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if kind in ("multiselect", "checkbox"):
        widget = forms.CheckboxSelectMultiple if kind == "checkbox" else forms.SelectMultiple
        return forms.MultipleChoiceField(choices=_choices(meta), widget=widget, **common)
    if kind == "number":
        return forms.DecimalField(
            max_digits=30, decimal_places=10, widget=forms.NumberInput(attrs={"step": "any"}), **common
        )
    if kind == "date":
        return forms.DateField(input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "datetime":
        common["help_text"] = _help(meta.description, f"Time zone: {settings.TIME_ZONE}.")
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], widget=widget, **common)
    if kind == "url":
        return forms.URLField(max_length=TEXT_MAX, assume_scheme="https", **common)
    if kind == "labels":
        common["help_text"] = _help(meta.description, "Words separated by spaces or commas.")
        return forms.CharField(max_length=PARAGRAPH_MAX, **common)
    return AttachmentField(**common)


class RequestForm(forms.Form):
    """One form field per supported JSM field, named by the Jira field id; `kinds` remembers each kind."""

    def __init__(self, metadata: list[RequestTypeField], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds: dict[str, str] = {}
        self.unsupported: list[RequestTypeField] = []
        for meta in metadata:
            kind = field_kind(meta)
            if not meta.visible and not meta.required:
                continue
            if kind == "unsupported":
                self.unsupported.append(meta)
                continue
            self.fields[meta.field_id] = _django_field(meta, kind)
            self.fields[meta.field_id].widget.attrs.setdefault("data-kind", kind)
            self.kinds[meta.field_id] = kind

    @property
    def blocked(self) -> list[RequestTypeField]:
        """Required fields the portal cannot fill in: the request type cannot be raised here."""
        return [m for m in self.unsupported if m.required]

    def _clean_fields(self):
        super()._clean_fields()
        for name, kind in self.kinds.items():
            if name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = _normalise(kind, self.cleaned_data[name], self.fields[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)

    def attachments(self) -> list:
        return [
            f for name, kind in self.kinds.items() if kind == "attachment" for f in self.cleaned_data.get(name) or []
        ]

    def field_values(self) -> dict:
        """`requestFieldValues` in Jira's field input formats; empty optional fields are left out."""
        values = {}
        for name, kind in self.kinds.items():
            value = self.cleaned_data.get(name)
            if kind == "attachment" or value in (None, "", []):
                continue
            values[name] = _jira_value(kind, value)
        return values


def _normalise(kind: str, value, field: forms.Field):
    """JSM's own rules beyond the field type: blank text is missing; labels are words; numbers finite."""
    if kind in ("text", "paragraph") and isinstance(value, str):
        value = value.strip()
        if field.required and not value:
            raise forms.ValidationError("This field is required.", code="required")
    if kind == "labels":
        labels = [w for w in re.split(r"[\s,]+", value or "") if w]
        if any(len(w) > LABEL_MAX for w in labels):
            raise forms.ValidationError(f"A label may be at most {LABEL_MAX} characters long.")
        if field.required and not labels:
            raise forms.ValidationError("This field is required.", code="required")
        return list(dict.fromkeys(labels))
    if kind == "number" and value is not None and not math.isfinite(float(value)):
        raise forms.ValidationError("Enter a number.")
    return value


def _jira_value(kind: str, value):
    if kind in ("select", "radio"):
        return {"id": value}
    if kind in ("multiselect", "checkbox"):
        return [{"id": v} for v in value]
    if kind == "number":
        return int(value) if value == value.to_integral_value() else float(value)
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return (value.astimezone(UTC) if value.tzinfo else value).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    return value
