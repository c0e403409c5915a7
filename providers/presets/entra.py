from providers.presets.base import DEFAULT_MAPPING, Preset

PRESET = Preset(
    key="entra",
    label="Microsoft Entra ID (Azure AD)",
    discovery="https://login.microsoftonline.com/{domain}/v2.0/.well-known/openid-configuration",
    domain_label="Directory (tenant) ID",
    domain_help="Entra admin center → App registrations → your app → Overview → Directory (tenant) ID.",
    client_help="Application (client) ID on the same Overview page; a secret under Certificates & secrets.",
    mapping={**DEFAULT_MAPPING, "groups": "groups"},
    register_help="App registrations → your app → Authentication → Web → Redirect URIs.",
    domain_placeholder="00000000-0000-0000-0000-000000000000",
    client_placeholder="11111111-2222-3333-4444-555555555555",
)
