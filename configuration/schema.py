"""The declarative format's keys, and how each maps onto a model attribute.

One table per section drives parsing, validation messages and export alike, so the three can
never disagree about a key's name. JSON names follow the admin's words ("active", "enabled"),
not the column names.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    name: str  # the key in the file
    attr: str  # the model attribute it sets
    kind: str  # str | bool | int | words | secret
    required: bool = False  # must be in the file (the keys that identify a row)
    protocol: str = ""  # "oidc" or "saml": export writes it only for providers of that protocol ("" for all)


TENANT_KEYS = (
    Key("slug", "slug", "str", required=True),
    Key("name", "name", "str"),
    Key("active", "is_active", "bool"),
    Key("logo_url", "logo_url", "str"),
    Key("brand_color", "brand_color", "str"),
    Key("help_center_name", "help_center_name", "str"),
    Key("announcement", "announcement", "str"),
    Key("default_language", "default_language", "str"),
    Key("default_time_zone", "default_time_zone", "str"),
    Key("portal_mode", "portal_mode", "str"),  # hosted | atlassian | both
)
TENANT_SECTIONS = ("jira", "identity_providers", "atlassian_saml")

# Native mode: the two values Atlassian shows (docs/native-mode.md); the gateway's own three are in tenant_links.
ATLASSIAN_SAML_KEYS = (
    Key("sp_entity_id", "sp_entity_id", "str"),
    Key("acs_url", "acs_url", "str"),
)

JIRA_KEYS = (
    Key("site_url", "site_url", "str"),
    Key("auth_mode", "auth_mode", "str"),
    Key("email", "email", "str"),
    Key("api_token", "api_token", "secret"),
    Key("cloud_id", "cloud_id", "str"),
)

PROVIDER_KEYS = (
    Key("slug", "slug", "str", required=True),
    Key("name", "name", "str"),
    Key("preset", "preset", "str"),
    Key("enabled", "is_enabled", "bool"),
    Key("order", "order", "int"),
    Key("client_id", "client_id", "str", protocol="oidc"),
    Key("client_secret", "client_secret", "secret", protocol="oidc"),
    Key("domain", "domain", "str", protocol="oidc"),
    Key("discovery_url", "discovery_url", "str", protocol="oidc"),
    Key("scopes", "scopes", "words", protocol="oidc"),
    # SAML: the provider's metadata, as XML or by URL (fetched when applied, refreshed by beat).
    Key("metadata_xml", "metadata_xml", "str", protocol="saml"),
    Key("metadata_url", "metadata_url", "str", protocol="saml"),
    Key("allow_idp_initiated", "allow_idp_initiated", "bool", protocol="saml"),
    Key("sign_authn_requests", "sign_authn_requests", "bool", protocol="saml"),
    Key("want_encrypted_assertions", "want_encrypted_assertions", "bool", protocol="saml"),
    Key("email_domains", "email_domains", "words"),
    Key("token_auth_method", "token_auth_method", "str", protocol="oidc"),
    Key("clock_leeway", "clock_leeway", "int"),
    Key("allow_hs256", "allow_hs256", "bool", protocol="oidc"),
    Key("allow_unverified_email", "allow_unverified_email", "bool", protocol="oidc"),
)
PROVIDER_SECTIONS = ("attribute_mapping",)

MAPPING_KEYS = tuple(Key(name, name, "str") for name in ("email", "first_name", "last_name", "display_name", "groups"))


def key_for_attr(keys: tuple[Key, ...], attr: str) -> str | None:
    """The file's name for a model attribute, to name the offending field in an error."""
    return next((key.name for key in keys if key.attr == attr), None)
