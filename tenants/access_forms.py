"""The admin form of a service desk's access rules: names one per line, not JSON.

`ServiceDesk.allowed_groups` / `allowed_organizations` are JSON lists; an admin edits them as text
(one name per line or comma-separated) and is told when a restricted portal would admit nobody.
"""

import re

from django import forms

from tenants.models import ServiceDesk


class NamesField(forms.CharField):
    """A list of names typed one per line (commas also split): stored as a JSON list, duplicates removed."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        names = [n.strip() for n in re.split(r"[\n,]+", value or "") if n.strip()]
        return list(dict.fromkeys(n[:200] for n in names))


class ServiceDeskAccessForm(forms.ModelForm):
    allowed_groups = NamesField(
        required=False,
        label="Allowed IdP groups",
        help_text="One per line, exactly as the identity provider sends them in the groups claim "
        "(see a customer's Groups in Customers, or run Test connection on the provider).",
    )
    allowed_organizations = NamesField(
        required=False,
        label="Allowed JSM organizations",
        help_text="One per line, the organization names in Jira Service Management (case does not matter). "
        "Customers count as members when Jira lists them, or when an organization rule will add them.",
    )

    class Meta:
        model = ServiceDesk
        fields = ["tenant", "jira_id", "project_key", "project_name", "portal_url", "is_active", "access"]
        fields += ["allowed_groups", "allowed_organizations"]
        widgets = {"access": forms.RadioSelect}
        help_texts = {
            "access": "Who may open this portal's substitute link. Refused customers see a page telling them "
            "to ask your help desk team for access.",
        }

    def clean(self):
        data = super().clean()
        restricted = data.get("access") == ServiceDesk.Access.RESTRICTED
        if restricted and not data.get("allowed_groups") and not data.get("allowed_organizations"):
            raise forms.ValidationError(
                "A restricted portal needs at least one allowed group or organization; otherwise nobody can use it."
            )
        return data
