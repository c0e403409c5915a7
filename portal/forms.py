"""The create-request form, built from a request type's field metadata.

GET servicedesk/{id}/requesttype/{id}/field gives each field's `jiraSchema` (type, items, system,
custom), `required`, `validValues` and `defaultValues`. `field_kind` maps that to one of the kinds the
portal renders; `RequestForm` validates each the way JSM does (required, options among the valid
values, number / date / date-time / URL formats, labels without spaces, text lengths) so a mistake is
shown next to the field with what was typed kept, instead of Jira's one-line 400. `field_values`
writes `requestFieldValues` in Jira's field input formats: options as {"id"}, multi-options as
[{"id"}], numbers as numbers, dates as "YYYY-MM-DD", date-times as "YYYY-MM-DDThh:mm:ss.sss+0000",
labels as a list of strings, cascading selects as {"id", "child": {"id"}}, organizations as a list of ids.
User pickers, request participants and attachments are resolved by portal/services_requests.py (customers of
the desk by exact email; temporary files sent in the create call itself).
"""

from django import forms
from django.utils.translation import gettext as _

from portal.form_fields import (
    RESOLVED_KINDS,
    AttachmentField,
    django_field,
    field_kind,
    jira_value,
    normalise,
    preset_value,
    upload_limits,
)
from tenants.jira.types import RequestTypeField

__all__ = ["AttachmentField", "RequestForm", "field_kind", "upload_limits"]


class RequestForm(forms.Form):
    """One form field per supported JSM field, named by the Jira field id; `kinds` remembers each kind.

    `organizations`: the customer's JSM organizations (the organizations field offers these only). `share`: the
    desk lets customers share requests, so a "Share with" field is offered (JSM's request participants at
    creation) when the request type has none of its own. Hidden fields with preset values are not shown and are
    sent with their preset (`presets`). `unsupported`: fields the portal cannot render, each said on the form.
    """

    def __init__(self, metadata: list[RequestTypeField], *args, organizations=(), share: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds: dict[str, str] = {}
        self.unsupported: list[RequestTypeField] = []
        self.presets: dict[str, object] = {}
        organization_choices = [(o.id, o.name) for o in organizations]
        for meta in metadata:
            kind = field_kind(meta)
            if not meta.visible and meta.preset_values and kind not in RESOLVED_KINDS | {"unsupported"}:
                self.presets[meta.field_id] = preset_value(kind, meta.preset_values)
                continue
            if not meta.visible and not meta.required:
                continue
            if kind == "unsupported" or (kind == "organizations" and not organization_choices and meta.required):
                self.unsupported.append(meta)
                continue
            if (kind == "organizations" and not organization_choices) or (kind == "participants" and not share):
                continue
            if kind == "organizations":
                field = forms.MultipleChoiceField(
                    label=meta.name, required=meta.required, help_text=meta.description,
                    choices=organization_choices, widget=forms.CheckboxSelectMultiple,
                )  # fmt: skip
                kind = "checkbox-organizations"
            else:
                field = django_field(meta, kind)
            self._add(meta.field_id, field, kind)
        if share and "participants" not in self.kinds.values():
            hint = _("Other customers of this help desk who should see and follow the request: their email addresses.")
            self._add("share_with", forms.CharField(label=_("Share with"), required=False, max_length=2000,
                                                    help_text=hint), "participants")  # fmt: skip

    def _add(self, name: str, field: forms.Field, kind: str) -> None:
        self.fields[name] = field
        field.widget.attrs.setdefault("data-kind", kind)
        self.kinds[name] = kind

    @property
    def blocked(self) -> list[RequestTypeField]:
        """Required fields the portal cannot fill in: the request type cannot be raised here."""
        return [m for m in self.unsupported if m.required]

    @property
    def left_out(self) -> list[RequestTypeField]:
        """Optional fields the portal cannot render: the form names them rather than dropping them silently."""
        return [m for m in self.unsupported if not m.required]

    def _clean_fields(self):
        super()._clean_fields()
        for name, kind in self.kinds.items():
            if name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = normalise(kind, self.cleaned_data[name], self.fields[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)

    def attachments(self) -> list:
        return [
            f for name, kind in self.kinds.items() if kind == "attachment" for f in self.cleaned_data.get(name) or []
        ]

    def emails(self, *kinds: str) -> dict[str, list[str]]:
        """{field name: [email, ...]} of the user-picker and participant fields, for the service to resolve."""
        return {
            name: self.cleaned_data.get(name) or []
            for name, kind in self.kinds.items()
            if kind in kinds and self.cleaned_data.get(name)
        }

    def field_values(self) -> dict:
        """`requestFieldValues` in Jira's field input formats; empty optional fields are left out. User pickers,
        participants and attachments are added by the service (they need Jira to resolve)."""
        values = dict(self.presets)
        for name, kind in self.kinds.items():
            value = self.cleaned_data.get(name)
            if kind in RESOLVED_KINDS or value in (None, "", []):
                continue
            values[name] = jira_value(kind, value)
        return values
