from providers.presets.base import DEFAULT_MAPPING, Preset

PRESET = Preset(
    key="adfs",
    label="ADFS",
    discovery="{base}/adfs/.well-known/openid-configuration",
    domain_label="ADFS host",
    domain_help="The federation service name, e.g. adfs.example.com.",
    client_help="AD FS Management → Application Groups → your server application.",
    mapping={**DEFAULT_MAPPING, "display_name": "unique_name", "groups": "group"},
    register_help="Application Groups → your server application → Redirect URI.",
    domain_placeholder="adfs.example.com",
    client_placeholder="11111111-2222-3333-4444-555555555555",
)
