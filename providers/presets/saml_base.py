"""What SAML presets share: the attribute names Microsoft's claim types made the common default.

A SAML preset has no discovery URL: the admin gives the provider's metadata (its URL or the XML).
Its facts are where to find that metadata, where to register the gateway (ACS URL, SP entity id), the
NameID format to ask for and the attribute names the provider sends by default.
"""

from providers.presets.base import Preset

CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
MICROSOFT_GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"

SAML_MAPPING = {
    "email": f"{CLAIMS}/emailaddress",
    "first_name": f"{CLAIMS}/givenname",
    "last_name": f"{CLAIMS}/surname",
    "display_name": f"{CLAIMS}/name",
    "groups": MICROSOFT_GROUPS,
}


def saml_preset(**kwargs) -> Preset:
    kwargs.setdefault("mapping", dict(SAML_MAPPING))
    return Preset(protocol="saml", discovery=None, domain_label="", **kwargs)
