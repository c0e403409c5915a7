from providers.presets.base import DEFAULT_MAPPING, Preset

PRESET = Preset(
    key="cognito",
    label="AWS Cognito",
    domain_label="User pool issuer URL",
    domain_help="https://cognito-idp.<region>.amazonaws.com/<user pool id> (Cognito → User pools → Overview).",
    client_help="Cognito → your user pool → App integration → App clients.",
    mapping={**DEFAULT_MAPPING, "groups": "cognito:groups"},
    register_help="App integration → your app client → Hosted UI → Allowed callback URLs.",
    domain_placeholder="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
    client_placeholder="1example23456789abcdefghij",
)
