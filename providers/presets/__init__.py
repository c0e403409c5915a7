"""The presets, in the order the admin lists them. An explicit dict: no import-time registry magic."""

from providers.presets import adfs, auth0, cognito, entra, gitlab, google, keycloak, oidc, okta, salesforce
from providers.presets.base import Preset

PRESETS: dict[str, Preset] = {
    module.PRESET.key: module.PRESET
    for module in (salesforce, entra, okta, google, keycloak, cognito, auth0, adfs, gitlab, oidc)
}

PRESET_CHOICES = [(key, preset.label) for key, preset in PRESETS.items()]
