"""The admin form of a service desk's access rules: names one per line, not JSON.

`ServiceDesk.allowed_groups` / `allowed_organizations` are JSON lists; an admin edits them as text
(one name per line or comma-separated) and is told when a restricted portal would admit nobody.
`request_type_access` is typed one request type per line: `12: group vip, org Partners`.
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


class TypeAccessField(forms.CharField):
    """One line per request type, `<request type id>: group <name>, org <name>, ...`, stored as
    `{"<id>": {"groups": [...], "organizations": [...]}}` (what portal.access reads)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})
    LINE = re.compile(r"^\s*(\d{1,18})\s*:\s*(.+)$")

    def prepare_value(self, value):
        if not isinstance(value, dict):
            return value
        lines = []
        for type_id, rule in value.items():
            names = [f"group {g}" for g in rule.get("groups") or []] + [
                f"org {o}" for o in rule.get("organizations") or []
            ]
            lines.append(f"{type_id}: {', '.join(names)}")
        return "\n".join(lines)

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        found: dict[str, dict] = {}
        for number, line in enumerate((value or "").splitlines(), start=1):
            if line.strip():
                type_id, rule = self._line(number, line)
                merged = found.setdefault(type_id, {"groups": [], "organizations": []})
                for kind in ("groups", "organizations"):
                    merged[kind] = list(dict.fromkeys(merged[kind] + rule[kind]))
        return found

    def _line(self, number: int, line: str) -> tuple[str, dict]:
        match = self.LINE.match(line)
        if match is None:
            raise forms.ValidationError(f"Line {number}: write the request type id, a colon, then who may see it.")
        rule = {"groups": [], "organizations": []}
        for entry in (e.strip() for e in match.group(2).split(",")):
            kind, _, name = entry.partition(" ")
            key = {"group": "groups", "org": "organizations"}.get(kind.lower())
            if key is None or not name.strip():
                raise forms.ValidationError(f"Line {number}: {entry[:60]!r} is not “group <name>” or “org <name>”.")
            rule[key].append(name.strip()[:200])
        return match.group(1), rule


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

    request_type_access = TypeAccessField(
        required=False,
        label="Who sees which request type",
        help_text="One request type per line: its id (the number at the end of its create link), a colon, then "
        "“group <IdP group>” or “org <JSM organization>”, comma-separated, e.g. “12: group vip, org Partners”. "
        "A listed type is shown only to those customers. Types restricted in Jira are shown to nobody until "
        "they are listed here; types in no request type group are never shown, as in Jira's own portal.",
    )

    class Meta:
        model = ServiceDesk
        fields = ["tenant", "jira_id", "project_key", "project_name", "portal_url", "is_active", "access"]
        fields += ["allowed_groups", "allowed_organizations", "sharing", "request_type_access"]
        widgets = {"access": forms.RadioSelect, "sharing": forms.RadioSelect}
        help_texts = {
            "access": "Who may open this portal's substitute link. Refused customers see a page telling them "
            "to ask your help desk team for access.",
            "sharing": "Set it as in Jira (Customer permissions > sharing): the gateway cannot read that setting. "
            "A customer shares a request by typing an email address; any address outside this choice gets the "
            "same answer as an unknown one.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sharing" in self.fields:
            self.fields["sharing"].required = False  # a form posted without it keeps the desk's setting

    def clean_sharing(self):
        return self.cleaned_data.get("sharing") or self.instance.sharing or ServiceDesk.Sharing.DESK

    def clean(self):
        data = super().clean()
        restricted = data.get("access") == ServiceDesk.Access.RESTRICTED
        if restricted and not data.get("allowed_groups") and not data.get("allowed_organizations"):
            raise forms.ValidationError(
                "A restricted portal needs at least one allowed group or organization; otherwise nobody can use it."
            )
        return data
