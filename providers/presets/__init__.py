"""The presets, in the order the admin lists them. An explicit dict: no import-time registry magic."""

from providers.presets import (
    adfs,
    adfs_saml,
    auth0,
    cognito,
    entra,
    entra_saml,
    gitlab,
    google,
    google_saml,
    keycloak,
    oidc,
    okta,
    okta_saml,
    salesforce,
    saml,
    shibboleth,
)
from providers.presets.base import Preset

PRESETS: dict[str, Preset] = {
    module.PRESET.key: module.PRESET
    for module in (
        *(salesforce, entra, okta, google, keycloak, cognito, auth0, adfs, gitlab, oidc),
        *(saml, adfs_saml, entra_saml, okta_saml, google_saml, shibboleth),
    )
}

PRESET_CHOICES = [(key, preset.label) for key, preset in PRESETS.items()]
