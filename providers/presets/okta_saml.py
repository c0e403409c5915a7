"""Okta's SAML 2.0 app integration: the admin names the attribute statements, so the defaults are the
names Okta's own setup page suggests (email, firstName, lastName) and its Group Attribute Statement."""

from providers.presets.saml_base import NAMEID_EMAIL, saml_preset

PRESET = saml_preset(
    key="okta_saml",
    label="Okta (SAML)",
    metadata_help="Okta admin \u2192 Applications \u2192 your SAML app \u2192 Sign On \u2192 Metadata URL "
    "(or \u201cView SAML setup instructions\u201d \u2192 IDP metadata).",
    register_help="Okta admin \u2192 Applications \u2192 Create App Integration \u2192 SAML 2.0 \u2192 "
    "Single sign-on URL = the ACS URL, Audience URI (SP Entity ID) = the SP entity id, Name ID format "
    "EmailAddress; Attribute Statements email, firstName, lastName; Group Attribute Statement groups.",
    name_id_format=NAMEID_EMAIL,
    mapping={
        "email": "email",
        "first_name": "firstName",
        "last_name": "lastName",
        "display_name": "",
        "groups": "groups",
    },
    metadata_placeholder="https://acme.okta.com/app/<app id>/sso/saml/metadata",
)
