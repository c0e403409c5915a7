"""Microsoft Entra ID's SAML single sign-on (an enterprise application, "Set up single sign-on" → SAML).

Entra's default claims: NameID user.userprincipalname (format email address), and the attributes
emailaddress (user.mail), givenname, surname and name (user.userprincipalname) under the WS-Federation
claim types, and displayname under Microsoft's own;
a groups claim, once added, under Microsoft's groups claim type (object ids by default).
"""

from providers.presets.saml_base import NAMEID_EMAIL, SAML_MAPPING, saml_preset

PRESET = saml_preset(
    key="entra_saml",
    label="Microsoft Entra ID (SAML)",
    metadata_help="Enterprise applications \u2192 your app \u2192 Single sign-on \u2192 SAML Certificates "
    "\u2192 App Federation Metadata Url (copy it), or download Federation Metadata XML.",
    register_help="Enterprise applications \u2192 your app \u2192 Single sign-on \u2192 Basic SAML "
    "Configuration \u2192 Edit: Identifier (Entity ID) = the SP entity id, Reply URL (Assertion Consumer "
    "Service URL) = the ACS URL. Or \u201cUpload metadata file\u201d with the SP metadata.",
    name_id_format=NAMEID_EMAIL,
    mapping={**SAML_MAPPING, "display_name": "http://schemas.microsoft.com/identity/claims/displayname"},
    metadata_placeholder="https://login.microsoftonline.com/<tenant id>/federationmetadata/2007-06/"
    "federationmetadata.xml?appid=<app id>",
)
