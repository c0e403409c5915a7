from providers.presets.saml_base import saml_preset

PRESET = saml_preset(
    key="saml",
    label="Generic SAML 2.0 (metadata)",
    metadata_help="Your provider's IdP metadata: its URL (often ending in /metadata or FederationMetadata.xml), "
    "or the XML file its console lets you download.",
    register_help="Register a service provider (\u201cSAML application\u201d) at your provider with the ACS URL and "
    "SP entity id below, or give it the SP metadata URL.",
    metadata_placeholder="https://idp.example.com/saml/metadata",
)
