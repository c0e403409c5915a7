"""Reading a configuration document into checked, typed sections (no database access).

Structure is checked here (unknown keys, types, required keys, duplicates, where secrets come
from); what the values mean (URLs, presets, slugs) is left to the models' own validation in
`apply.py`, so the file and the admin refuse exactly the same things.
"""

from dataclasses import dataclass, field
from pathlib import Path

from configuration import schema
from configuration.errors import Problems
from configuration.secrets import SecretSourceError, secret_resolve

_TYPE_NAMES = {"str": "a string", "bool": "true or false", "int": "a whole number", "words": "a list of strings"}


@dataclass
class Section:
    """One object of the file: its path, its key table, and the model attributes it sets."""

    path: str
    keys: tuple[schema.Key, ...]
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class ProviderSpec:
    section: Section
    mapping: Section | None


@dataclass
class TenantSpec:
    section: Section
    jira: Section | None
    providers: list[ProviderSpec]
    atlassian_saml: Section | None = None


def document_parse(*, document: object, base_dir: Path) -> list[TenantSpec]:
    """The tenants of `document`, or `ConfigInvalid` listing every structural problem."""
    problems = Problems()
    specs: list[TenantSpec] = []
    if not isinstance(document, dict):
        problems.add("(top level)", 'expected an object like {"tenants": [...]}')
    else:
        _unknown_keys(document, {"tenants"}, "", problems)
        tenants = document.get("tenants")
        if not isinstance(tenants, list):
            problems.add("tenants", "required: a list of tenants")
        else:
            specs = [_tenant(raw, f"tenants[{i}]", base_dir, problems) for i, raw in enumerate(tenants)]
            _duplicates([spec.section for spec in specs], problems)
    problems.raise_if_any()
    return specs


def _tenant(raw: object, path: str, base_dir: Path, problems: Problems) -> TenantSpec:
    section, extra = _section(raw, path, schema.TENANT_KEYS, schema.TENANT_SECTIONS, base_dir, problems)
    jira = None
    if extra.get("jira") is not None:
        jira, _ = _section(extra["jira"], f"{path}.jira", schema.JIRA_KEYS, (), base_dir, problems)
    atlassian_saml = None
    if extra.get("atlassian_saml") is not None:
        atlassian_saml, _ = _section(
            extra["atlassian_saml"], f"{path}.atlassian_saml", schema.ATLASSIAN_SAML_KEYS, (), base_dir, problems
        )
    providers = []
    raw_providers = extra.get("identity_providers", [])
    if not isinstance(raw_providers, list):
        problems.add(f"{path}.identity_providers", "expected a list of identity providers")
    else:
        providers = [
            _provider(item, f"{path}.identity_providers[{i}]", base_dir, problems)
            for i, item in enumerate(raw_providers)
        ]
        _duplicates([provider.section for provider in providers], problems)
    return TenantSpec(section=section, jira=jira, providers=providers, atlassian_saml=atlassian_saml)


def _provider(raw: object, path: str, base_dir: Path, problems: Problems) -> ProviderSpec:
    section, extra = _section(raw, path, schema.PROVIDER_KEYS, schema.PROVIDER_SECTIONS, base_dir, problems)
    mapping = None
    if extra.get("attribute_mapping") is not None:
        mapping, _ = _section(
            extra["attribute_mapping"], f"{path}.attribute_mapping", schema.MAPPING_KEYS, (), base_dir, problems
        )
    return ProviderSpec(section=section, mapping=mapping)


def _section(raw, path, keys, sections, base_dir, problems) -> tuple[Section, dict]:
    """Check one object's keys and convert its values; nested sections come back raw."""
    section = Section(path=path, keys=keys)
    if not isinstance(raw, dict):
        problems.add(path, "expected an object")
        return section, {}
    by_name = {key.name: key for key in keys}
    _unknown_keys(raw, set(by_name) | set(sections), f"{path}.", problems)
    for key in keys:
        if key.name not in raw:
            if key.required:
                problems.add(f"{path}.{key.name}", "required")
            continue
        try:
            section.values[key.attr] = _convert(key, raw[key.name], base_dir)
        except (TypeError, SecretSourceError) as exc:
            problems.add(f"{path}.{key.name}", str(exc))
    return section, {name: raw[name] for name in sections if name in raw}


def _convert(key: schema.Key, value: object, base_dir: Path) -> object:
    if key.kind == "secret":
        return secret_resolve(spec=value, base_dir=base_dir)
    if key.kind == "words":
        if isinstance(value, list) and all(isinstance(word, str) and word and not _splits(word) for word in value):
            return " ".join(value)
        raise TypeError("expected a list of strings, each one word (no spaces or commas)")
    expected = {"str": str, "bool": bool, "int": int}[key.kind]
    if not isinstance(value, expected) or (key.kind == "int" and isinstance(value, bool)):
        raise TypeError(f"expected {_TYPE_NAMES[key.kind]}, got {type(value).__name__}")
    if key.kind == "str":
        return value.strip()
    return value


def _splits(word: str) -> bool:
    return any(char.isspace() or char == "," for char in word)


def _unknown_keys(raw: dict, allowed: set[str], prefix: str, problems: Problems) -> None:
    for name in raw:
        if name not in allowed:
            problems.add(f"{prefix}{name}", f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _duplicates(sections: list[Section], problems: Problems) -> None:
    seen: set[object] = set()
    for section in sections:
        slug = section.values.get("slug")
        if slug is not None and slug in seen:
            problems.add(f"{section.path}.slug", f"“{slug}” appears twice; each slug may appear once")
        seen.add(slug)
