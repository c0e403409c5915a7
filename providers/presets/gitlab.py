from providers.presets.base import DEFAULT_MAPPING, Preset

PRESET = Preset(
    key="gitlab",
    label="GitLab",
    default_domain="gitlab.com",
    domain_label="GitLab host",
    domain_help="gitlab.com or your self-managed host.",
    client_help="GitLab → Admin/Group/User settings → Applications (scopes openid, email, profile).",
    mapping={**DEFAULT_MAPPING, "first_name": "", "last_name": "", "groups": "groups"},
    register_help="Applications → your application → Callback URL.",
    domain_placeholder="gitlab.example.com",
    client_placeholder="a1b2c3…",
)
