"""AD FS as a SAML 2.0 identity provider: a relying party trust whose claim rules send LDAP attributes.

AD FS sends claims under the WS-Federation claim type URIs; "Send LDAP Attributes as Claims" with
E-Mail-Addresses, Given-Name, Surname, Display-Name and Token-Groups gives the names below. Its
NameID comes from a "Transform an Incoming Claim" rule (E-Mail Address → Name ID, format Email).
"""

from providers.presets.saml_base import CLAIMS, NAMEID_EMAIL, SAML_MAPPING, saml_preset

PRESET = saml_preset(
    key="adfs_saml",
    label="ADFS (SAML)",
    metadata_help="https://<your ADFS host>/FederationMetadata/2007-06/FederationMetadata.xml (AD FS Management "
    "\u2192 Service \u2192 Endpoints \u2192 Metadata).",
    register_help="AD FS Management \u2192 Relying Party Trusts \u2192 Add Relying Party Trust \u2192 Import data "
    "about the relying party published online: the SP metadata URL; or enter it manually: the SP entity id as "
    "relying party trust identifier and the ACS URL as SAML 2.0 SSO service URL.",
    name_id_format=NAMEID_EMAIL,
    mapping={**SAML_MAPPING, "display_name": f"{CLAIMS}/name", "groups": "http://schemas.xmlsoap.org/claims/Group"},
    metadata_placeholder="https://adfs.example.com/FederationMetadata/2007-06/FederationMetadata.xml",
)
