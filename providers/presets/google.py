from providers.presets.base import Preset

PRESET = Preset(
    key="google",
    label="Google",
    discovery="https://accounts.google.com/.well-known/openid-configuration",
    domain_label="",
    client_help="Google Cloud console → APIs & Services → Credentials → OAuth 2.0 Client IDs.",
    register_help="Credentials → your OAuth client → Authorized redirect URIs.",
    client_placeholder="123456789012-abc123.apps.googleusercontent.com",
)
