from providers.presets.base import Preset

PRESET = Preset(
    key="oidc",
    label="Generic OpenID Connect (discovery URL)",
    discovery=None,
    domain_label="",
    client_help="Your provider's client registration page.",
    register_help="Paste it where the provider asks for a redirect (callback) URI.",
    client_placeholder="jsm-gateway",
)
