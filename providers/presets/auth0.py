from providers.presets.base import Preset

PRESET = Preset(
    key="auth0",
    label="Auth0",
    domain_label="Auth0 domain",
    domain_help="e.g. acme.eu.auth0.com (Applications → your app → Settings → Domain).",
    client_help="Applications → your app → Settings → Client ID and Client Secret.",
    register_help="Applications → your app → Settings → Allowed Callback URLs.",
    domain_placeholder="acme.eu.auth0.com",
    client_placeholder="AbCdEfGhIjKlMnOpQrStUvWxYz012345",
)
