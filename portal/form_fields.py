"""The create form's fields, one per JSM field kind: how each is shown, checked and written for Jira.

`field_kind` maps a field's `jiraSchema` (GET servicedesk/{id}/requesttype/{id}/field) to a kind;
`django_field` makes its form field; `normalise` applies JSM's rules beyond the field type; `jira_value` and
`preset_value` write Jira's field input formats. `portal.forms.RequestForm` puts them together.
"""

import math
import re
from datetime import UTC
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tenants.jira.types import RequestTypeField

TEXT_MAX = 255  # summary and single-line text fields
PARAGRAPH_MAX = 32767  # Jira's limit for multi-line text
LABEL_MAX = 255


#: Kinds whose value the form cannot write alone: resolved to account ids by portal/services_requests.py.
RESOLVED_KINDS = {"user", "users", "participants", "attachment"}


def field_kind(meta: RequestTypeField) -> str:
    """The portal's kind of a JSM field, or "unsupported" (Assets/CMDB objects, ...: the form says so)."""
    kind, items, custom = meta.schema_type, meta.schema_items, meta.schema_custom.rpartition(":")[2]
    if meta.field_id == "attachment" or meta.schema_system == "attachment" or items == "attachment":
        return "attachment"
    if custom == "sd-customer-organizations":
        return "organizations"
    if custom == "sd-request-participants":
        return "participants"
    if kind == "option-with-child" or custom == "cascadingselect":
        return "cascading"
    if kind == "version":
        return "select"
    if kind == "user" or (kind == "array" and items == "user"):
        return "users" if kind == "array" else "user"
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
                raise forms.ValidationError(_("Attach at least one file."), code="required")
            return []
        max_bytes, max_files, allowed = upload_limits()
        if len(files) > max_files:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(count)d file at a time.", "Attach at most %(count)d files at a time.", max_files
                )
                % {"count": max_files}
            )
        for upload in files:
            name = PurePath(upload.name or "file").name
            extension = name.rpartition(".")[2].lower() if "." in name else ""
            if extension not in allowed:
                raise forms.ValidationError(
                    _("“%(name)s” is a type of file the help desk does not accept. Allowed: %(types)s.")
                    % {"name": name, "types": ", ".join(sorted(allowed))}
                )
            if upload.size > max_bytes:
                raise forms.ValidationError(
                    _("“%(name)s” is %(size)s; files may be at most %(max)s.")
                    % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)}
                )
            if upload.size == 0:
                raise forms.ValidationError(_("“%(name)s” is empty.") % {"name": name})
        return files


def _choices(meta: RequestTypeField) -> list[tuple[str, str]]:
    return [(str(v.get("value", "")), v.get("label") or str(v.get("value", ""))) for v in meta.valid_values]


def _cascading_choices(meta: RequestTypeField) -> list:
    """A cascading select as one select: each parent an option group holding the parent alone and each of its
    children (`validValues[].children`), so it works without script and reads well to a screen reader."""
    choices: list = [("", "Choose…")]
    for parent in meta.valid_values:
        value, label = str(parent.get("value", "")), parent.get("label") or str(parent.get("value", ""))
        children = [c for c in parent.get("children") or [] if c.get("value") not in (None, "")]
        if not children:
            choices.append((value, label))
            continue
        options = [(value, label)]
        options += [(f"{value}:{c['value']}", f"{label} › {c.get('label') or c['value']}") for c in children]
        choices.append((label, options))
    return choices


def _emails(value: str) -> list[str]:
    found = [w for w in re.split(r"[\s,;]+", value or "") if w]
    for email in found:
        forms.EmailField().clean(email)
    return list(dict.fromkeys(e.lower() for e in found))


def _initial(meta: RequestTypeField, kind: str):
    values = [str(v.get("value", "")) for v in meta.default_values if v.get("value") not in (None, "")]
    if not values:
        return None
    return values if kind in ("multiselect", "checkbox") else (" ".join(values) if kind == "labels" else values[0])


def _help(description: str, hint: str) -> str:
    text = description.strip()
    return f"{text}{'' if not text or text[-1] in '.!?' else '.'} {hint}".strip()


def django_field(meta: RequestTypeField, kind: str) -> forms.Field:
    common = {"label": meta.name or meta.field_id, "required": meta.required, "help_text": meta.description}
    common["initial"] = _initial(meta, kind)
    if kind == "text":
        return forms.CharField(max_length=TEXT_MAX, **common)
    if kind == "paragraph":
        return forms.CharField(max_length=PARAGRAPH_MAX, widget=forms.Textarea(attrs={"rows": 6}), **common)
    if kind in ("select", "radio"):
        choices = _choices(meta)
        if kind == "select":
            choices = [("", _("Choose…"))] + choices
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
        # Django reads the input in the active zone (the customer's, sso_gateway.locales); Jira gets it in UTC.
        zone = _("Time zone: %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
        common["help_text"] = _help(meta.description, zone)
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], widget=widget, **common)
    if kind == "url":
        return forms.URLField(max_length=TEXT_MAX, assume_scheme="https", **common)
    if kind == "cascading":
        return forms.ChoiceField(choices=_cascading_choices(meta), **common)
    if kind == "user":
        common["help_text"] = _help(meta.description, _("The email address of a customer of this help desk."))
        return forms.EmailField(max_length=254, **common)
    if kind in ("users", "participants"):
        hint = _("Email addresses of customers of this help desk, separated by commas.")
        common["help_text"] = _help(meta.description, hint)
        return forms.CharField(max_length=2000, **common)
    if kind == "labels":
        common["help_text"] = _help(meta.description, _("Words separated by spaces or commas."))
        return forms.CharField(max_length=PARAGRAPH_MAX, **common)
    return AttachmentField(**common)


def preset_value(kind: str, presets: tuple[str, ...]):
    """A hidden field's preset values in the field's input format (JSM applies nothing itself on the API)."""
    if kind in ("multiselect", "checkbox"):
        return [{"id": v} for v in presets]
    if kind == "labels":
        return list(presets)
    if kind == "organizations":
        return [int(v) if v.isdigit() else v for v in presets]
    if kind in ("select", "radio", "cascading"):
        return jira_value(kind, presets[0])
    if kind == "number":
        return float(presets[0])
    return presets[0]


def normalise(kind: str, value, field: forms.Field):
    """JSM's own rules beyond the field type: blank text is missing; labels are words; numbers finite."""
    if kind in ("text", "paragraph") and isinstance(value, str):
        value = value.strip()
        if field.required and not value:
            raise forms.ValidationError(_("This field is required."), code="required")
    if kind == "labels":
        labels = [w for w in re.split(r"[\s,]+", value or "") if w]
        if any(len(w) > LABEL_MAX for w in labels):
            raise forms.ValidationError(_("A label may be at most %(max)d characters long.") % {"max": LABEL_MAX})
        if field.required and not labels:
            raise forms.ValidationError(_("This field is required."), code="required")
        return list(dict.fromkeys(labels))
    if kind in ("users", "participants"):
        return _emails(value)
    if kind == "user":
        return (value or "").strip().lower()
    if kind == "number" and value is not None and not math.isfinite(float(value)):
        raise forms.ValidationError(_("Enter a number."))
    return value


def jira_value(kind: str, value):
    if kind == "cascading":
        parent, _, child = str(value).partition(":")
        return {"id": parent, "child": {"id": child}} if child else {"id": parent}
    if kind == "checkbox-organizations":
        return [int(v) if str(v).isdigit() else v for v in value]
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
