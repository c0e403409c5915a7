from providers.presets.base import DEFAULT_MAPPING, Preset

PRESET = Preset(
    key="okta",
    label="Okta",
    domain_label="Okta domain (or authorization server URL)",
    domain_help="Okta admin → your app → Sign On; e.g. acme.okta.com, or acme.okta.com/oauth2/default.",
    client_help="Okta admin → Applications → your app → General → Client Credentials.",
    mapping={**DEFAULT_MAPPING, "groups": "groups"},
    register_help="Applications → your app → General → Sign-in redirect URIs.",
    domain_placeholder="acme.okta.com",
    client_placeholder="0oa1b2c3d4E5f6G7h8i9",
)
