"""Google Workspace as a SAML identity provider (Admin console → Apps → Web and mobile apps → custom SAML app).

Google sends the NameID it is told (Basic Information → Primary email, format EMAIL) and only the
attributes the admin maps; the defaults are the names this gateway's guide asks for.
"""

from providers.presets.saml_base import NAMEID_EMAIL, saml_preset

PRESET = saml_preset(
    key="google_saml",
    label="Google Workspace (SAML)",
    metadata_help="Admin console \u2192 Apps \u2192 Web and mobile apps \u2192 Add app \u2192 Add custom SAML "
    "app \u2192 Google Identity Provider details \u2192 Download metadata (paste the file's XML).",
    register_help="Service provider details: ACS URL = the ACS URL, Entity ID = the SP entity id, Name ID "
    "format EMAIL, Name ID Basic Information \u2192 Primary email. Attribute mapping: First name \u2192 "
    "first_name, Last name \u2192 last_name; Group membership \u2192 groups.",
    name_id_format=NAMEID_EMAIL,
    mapping={"email": "", "first_name": "first_name", "last_name": "last_name", "display_name": "", "groups": "groups"},
)
