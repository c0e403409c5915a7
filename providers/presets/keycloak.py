from providers.presets.base import DEFAULT_MAPPING, Preset

PRESET = Preset(
    key="keycloak",
    label="Keycloak",
    domain_label="Realm URL",
    domain_help="e.g. https://sso.example.com/realms/acme (Realm settings → Endpoints).",
    client_help="Clients → your client → Credentials (client authentication on).",
    mapping={**DEFAULT_MAPPING, "groups": "groups"},
    register_help="Clients → your client → Settings → Valid redirect URIs.",
    domain_placeholder="https://sso.example.com/realms/acme",
    client_placeholder="jsm-gateway",
)
