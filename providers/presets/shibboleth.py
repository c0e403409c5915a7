"""Shibboleth IdP (universities, research federations): persistent NameIDs and eduPerson attributes by OID.

The attribute names are the urn:oid: forms of the SAML2 attribute profile (MACE-Dir): mail, givenName,
sn, displayName, and eduPersonAffiliation for groups. The NameID is persistent (pairwise, opaque), so
the email comes from `mail`.
"""

from providers.presets.saml_base import NAMEID_PERSISTENT, saml_preset

PRESET = saml_preset(
    key="shibboleth",
    label="Shibboleth",
    metadata_help="https://<your IdP host>/idp/shibboleth (the IdP's own metadata), or its entry from your "
    "federation's MDQ service.",
    register_help="Give your IdP operator the SP metadata URL (or add it to conf/metadata-providers.xml), and "
    "release mail, givenName, sn, displayName and eduPersonAffiliation to the SP entity id in "
    "attribute-filter.xml.",
    name_id_format=NAMEID_PERSISTENT,
    mapping={
        "email": "urn:oid:0.9.2342.19200300.100.1.3",
        "first_name": "urn:oid:2.5.4.42",
        "last_name": "urn:oid:2.5.4.4",
        "display_name": "urn:oid:2.16.840.1.113730.3.1.241",
        "groups": "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
    },
    metadata_placeholder="https://idp.example.edu/idp/shibboleth",
)
