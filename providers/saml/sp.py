"""The gateway as a SAML service provider, one per identity provider row: its names and its messages.

The SP entity id is the absolute URL of the row's SP metadata (a stable URL, as Metadata §2.3.2 advises
for an entityID: one that resolves to the metadata), the ACS URL its HTTP-POST endpoint. Both are built
on GATEWAY_BASE_URL, like the OpenID Connect callback URL.
"""

from urllib.parse import quote

from django.utils import timezone
from lxml import etree

from providers.errors import ProviderMisbehaved
from providers.models import IdentityProvider
from sso_gateway import saml, xmlenc
from sso_gateway.saml import q
from tenants.links import absolute

PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"


def sp_entity_id(provider: IdentityProvider) -> str:
    return absolute(provider.sp_metadata_path())


def acs_url(provider: IdentityProvider) -> str:
    return absolute(provider.acs_path())


def authn_request(*, provider: IdentityProvider, request_id: str, destination: str, force_authn: bool = False) -> bytes:
    """Core §3.4.1: who asks (Issuer), where the answer goes (ACS URL, HTTP-POST) and which NameID to send."""
    nsmap = {"samlp": saml.NS["samlp"], "saml": saml.NS["saml"]}
    request = etree.Element(
        q("samlp", "AuthnRequest"),
        nsmap=nsmap,
        ID=request_id,
        Version="2.0",
        IssueInstant=saml.instant(timezone.now()),
        Destination=destination,
        AssertionConsumerServiceURL=acs_url(provider),
        ProtocolBinding=saml.BINDING_POST,
    )
    if force_authn:  # Core §3.4.1: the provider must authenticate the customer directly, not reuse its session
        request.set("ForceAuthn", "true")
    etree.SubElement(request, q("saml", "Issuer")).text = sp_entity_id(provider)
    policy = etree.SubElement(request, q("samlp", "NameIDPolicy"), AllowCreate="true")
    if provider.preset_config.name_id_format:
        policy.set("Format", provider.preset_config.name_id_format)
    return etree.tostring(request)


def redirect_url(*, provider: IdentityProvider, request_id: str, force_authn: bool = False) -> str:
    """The HTTP-Redirect binding (Bindings §3.4): the deflated request, the request id as RelayState, and when
    requests are signed, SigAlg and Signature over exactly these encoded parameters (§3.4.4.1)."""
    destination = provider.saml_metadata().sso_url_redirect
    xml = authn_request(provider=provider, request_id=request_id, destination=destination, force_authn=force_authn)
    params = [("SAMLRequest", saml.encode_redirect(xml)), ("RelayState", request_id)]
    if provider.signs_requests:
        if not provider.sp_signing_key:
            raise ProviderMisbehaved("requests must be signed and this provider has no key yet: save it once in the "
                                     "admin.", reason="saml_sp_key_missing")  # fmt: skip
        params = saml.redirect_query_sign(params, key_pem=str(provider.sp_signing_key))
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in params)
    return f"{destination}{'&' if '?' in destination else '?'}{query}"


ENCRYPTION_METHODS = (
    *(xmlenc.XENC11 + name for name in ("aes256-gcm", "aes128-gcm")),
    *(xmlenc.XENC + name for name in ("aes256-cbc", "aes128-cbc")),
    xmlenc.XENC11 + "rsa-oaep",
    xmlenc.XENC + "rsa-oaep-mgf1p",
)


def _key_descriptor(descriptor, use: str, cert_pem: str):
    key = etree.SubElement(descriptor, q("md", "KeyDescriptor"), use=use)
    info = etree.SubElement(key, q("ds", "KeyInfo"), nsmap={"ds": saml.NS["ds"]})
    data = etree.SubElement(info, q("ds", "X509Data"))
    etree.SubElement(data, q("ds", "X509Certificate")).text = saml.certificate_body(cert_pem)
    return key


def sp_metadata(provider: IdentityProvider) -> bytes:
    """Metadata §2.4.4: the SPSSODescriptor an identity provider imports to register the gateway."""
    nsmap = {"md": saml.NS["md"]}
    entity = etree.Element(q("md", "EntityDescriptor"), nsmap=nsmap, entityID=sp_entity_id(provider))
    descriptor = etree.SubElement(
        entity,
        q("md", "SPSSODescriptor"),
        AuthnRequestsSigned="true" if provider.signs_requests else "false",
        WantAssertionsSigned="true",
        protocolSupportEnumeration=PROTOCOL,
    )
    if provider.signs_requests and provider.sp_signing_certificate:
        _key_descriptor(descriptor, "signing", provider.sp_signing_certificate)
    if provider.want_encrypted_assertions and provider.sp_encryption_certificate:
        key = _key_descriptor(descriptor, "encryption", provider.sp_encryption_certificate)
        for algorithm in ENCRYPTION_METHODS:
            etree.SubElement(key, q("md", "EncryptionMethod"), Algorithm=algorithm)
    formats = [provider.preset_config.name_id_format] if provider.preset_config.name_id_format else []
    for name_id_format in formats or [saml.NAMEID_EMAIL, saml.NAMEID_PERSISTENT, saml.NAMEID_UNSPECIFIED]:
        etree.SubElement(descriptor, q("md", "NameIDFormat")).text = name_id_format
    etree.SubElement(
        descriptor,
        q("md", "AssertionConsumerService"),
        Binding=saml.BINDING_POST,
        Location=acs_url(provider),
        index="0",
        isDefault="true",
    )
    return etree.tostring(entity, xml_declaration=True, encoding="UTF-8")
