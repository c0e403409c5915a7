"""Applying a configuration document: create or update tenants, Jira connections, providers, mappings.

All of it runs in one transaction: any problem anywhere rolls everything back, so a broken file
changes nothing. Each row is checked with the model's own `full_clean()` (the same URL, preset
and slug rules as the admin) and saved only when a value really differs, so applying the same
file twice changes nothing the second time.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from configuration.errors import Problems
from configuration.parse import ProviderSpec, Section, TenantSpec, document_parse
from configuration.schema import key_for_attr
from providers.models import AttributeMapping, IdentityProvider, split_words
from providers.presets import PRESETS
from providers.saml.metadata import MetadataUnusable, metadata_fetch, outbound_url_ok
from providers.services import attribute_mapping_ensure
from tenants.models import AtlassianSaml, JiraConnection, Tenant


@dataclass
class Change:
    label: str
    action: str  # created | updated | unchanged
    keys: list[str] = field(default_factory=list)  # the file's names of the keys that changed


@dataclass
class ApplyReport:
    changes: list[Change]
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


def tenant_config_apply(*, document: object, base_dir: Path, dry_run: bool = False) -> ApplyReport:
    """Apply `document`; raise `ConfigInvalid` (after rolling back) if anything in it is wrong."""
    specs = document_parse(document=document, base_dir=base_dir)
    problems = Problems()
    changes: list[Change] = []
    with transaction.atomic():
        for spec in specs:
            changes += _apply_tenant(spec, problems)
        problems.raise_if_any()
        if dry_run:
            transaction.set_rollback(True)
    return ApplyReport(changes=changes, dry_run=dry_run)


def _apply_tenant(spec: TenantSpec, problems: Problems) -> list[Change]:
    slug = spec.section.values["slug"]
    tenant = Tenant.objects.filter(slug=slug).first() or Tenant()
    changes = [_write(tenant, spec.section, problems, label=f"tenant {slug}")]
    if spec.jira is not None:
        jira = (JiraConnection.objects.filter(tenant=tenant).first() if tenant.pk else None) or JiraConnection(
            tenant=tenant
        )
        changes.append(_write(jira, spec.jira, problems, label=f"Jira connection of {slug}", parent="tenant"))
    for provider_spec in spec.providers:
        changes += _apply_provider(tenant, provider_spec, problems)
    if spec.atlassian_saml is not None:
        existing = AtlassianSaml.objects.filter(tenant=tenant).first() if tenant.pk else None
        label = f"Atlassian customer SSO of {slug}"
        changes.append(_write(existing or AtlassianSaml(tenant=tenant), spec.atlassian_saml, problems, label=label,
                              parent="tenant"))  # fmt: skip
    return [change for change in changes if change is not None]


def _apply_provider(tenant: Tenant, spec: ProviderSpec, problems: Problems) -> list[Change | None]:
    label = f"identity provider {tenant.slug}/{spec.section.values['slug']}"
    provider = (
        IdentityProvider.objects.filter(tenant=tenant, slug=spec.section.values["slug"]).first() if tenant.pk else None
    ) or IdentityProvider(tenant=tenant)
    _metadata_fetch(provider, spec.section, problems)
    changes = [_write(provider, spec.section, problems, label=label, parent="tenant")]
    if provider.pk is None:
        # The provider itself is invalid: still check the mapping, so one run reports everything.
        if spec.mapping is not None:
            _write(AttributeMapping(provider=provider), spec.mapping, problems, label="", parent="provider")
        return changes
    had_mapping = AttributeMapping.objects.filter(provider=provider).exists()
    # Where the file omits a mapping (or some of its keys), the preset's defaults apply.
    mapping = attribute_mapping_ensure(provider=provider)
    mapping_label = f"attribute mapping of {tenant.slug}/{provider.slug}"
    if spec.mapping is not None:
        change = _write(mapping, spec.mapping, problems, label=mapping_label, parent="provider")
        if change is not None and not had_mapping:
            change.action = "created"
        changes.append(change)
    elif not had_mapping:
        changes.append(Change(label=mapping_label, action="created"))
    return changes


def _metadata_fetch(provider: IdentityProvider, section: Section, problems: Problems) -> None:
    """A SAML provider's `metadata_url` is fetched (as the admin does on save) when it is new or changed, or no
    metadata is stored yet; the document joins the section's values, so the model's checks see it."""
    values = section.values
    url = values.get("metadata_url")
    preset = PRESETS.get(str(values.get("preset", provider.preset)))
    if not url or preset is None or preset.protocol != "saml" or "metadata_xml" in values:
        return
    if (url == provider.metadata_url and provider.metadata_xml) or not outbound_url_ok(str(url)):
        return  # unchanged; or a URL the model's own check refuses (and names why): nothing is fetched
    try:
        values["metadata_xml"] = metadata_fetch(str(url))
    except MetadataUnusable as exc:
        problems.add(f"{section.path}.metadata_url", f"no usable SAML metadata at this URL: {exc}")
        return
    provider.metadata_fetched_at = timezone.now()


def _write(obj: models.Model, section: Section, problems: Problems, *, label: str, parent: str = "") -> Change | None:
    """Set the section's values on `obj`, validate it like the admin would, and save it if it changed."""
    created = obj.pk is None
    kinds = {key.attr: key.kind for key in section.keys}
    changed = [attr for attr, value in section.values.items() if _differs(kinds[attr], getattr(obj, attr), value)]
    for attr in changed:
        setattr(obj, attr, section.values[attr])
    # A parent that could not be saved (it has its own problem) cannot be checked against.
    parent_unsaved = parent and getattr(obj, parent).pk is None
    try:
        obj.full_clean(exclude=[parent] if parent_unsaved else None)
    except ValidationError as exc:
        _report(exc, section, problems)
        return None
    if parent_unsaved:
        return None
    if created or changed:
        obj.save()
    keys = [key_for_attr(section.keys, attr) or attr for attr in changed]
    return Change(label=label, action="created" if created else "updated" if changed else "unchanged", keys=keys)


def _differs(kind: str, current: object, new: object) -> bool:
    # "a.example, b.example" typed in the admin is the same list as ["a.example", "b.example"].
    if kind == "words":
        return split_words(str(current)) != split_words(str(new))
    return current != new


def _report(exc: ValidationError, section: Section, problems: Problems) -> None:
    """Turn the model's errors into problems named by the file's paths."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for attr, error_list in errors.items():
        messages = [message for error in error_list for message in ValidationError(error).messages]
        key = key_for_attr(section.keys, attr)
        for message in messages:
            if key is not None:
                problems.add(f"{section.path}.{key}", message)
            elif attr == NON_FIELD_ERRORS:
                problems.add(section.path, message)
            else:
                problems.add(section.path, f"{attr}: {message}")
