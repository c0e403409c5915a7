"""SAML 2.0 building blocks that both sides of the gateway share.

The gateway speaks SAML twice: as a service provider to a tenant's SAML identity providers
(`providers.saml`), and as the identity provider Atlassian's customer SSO trusts (native mode). Both
decode the same bindings, parse untrusted XML the same hardened way and sign or verify with the same
library, so those parts live here, on the floor, once.

The library is signxml (pure Python on lxml and cryptography, so `pip` alone installs it): it verifies
XML signatures against the certificates we hand it, refuses SHA-1 and other weak algorithms by default,
and returns the element the signature covers, which is the only element a caller may read (the defence
against signature wrapping). The protocol (what a Response must say) is ours, in the apps.

Also here: an identity provider's metadata as a service provider reads it (`idp_metadata_parse`, every
signing certificate kept for key rollover) and the HTTP-Redirect binding's detached signature
(`redirect_query_sign`). XML Encryption (EncryptedAssertion) is beside this module, in `sso_gateway.xmlenc`.

Untrusted XML is refused, not repaired: a DTD, an entity, a processing instruction or a message larger
than `MAX_MESSAGE_BYTES` (before and after inflating) is a `SamlInputError`, whose message is safe to show.
"""

import base64
import binascii
import datetime as dt
import secrets
import zlib
from dataclasses import dataclass
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureConfiguration, XMLSigner, XMLVerifier
from signxml.exceptions import SignXMLException

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xenc": "http://www.w3.org/2001/04/xmlenc#",
    "xenc11": "http://www.w3.org/2009/xmlenc11#",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
MAX_MESSAGE_BYTES = 256 * 1024
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"


class SamlInputError(ValueError):
    """A SAML message we refuse to read. The message names the reason and is safe to show."""


def q(prefix: str, name: str) -> str:
    """The Clark name lxml uses: q("saml", "Issuer") == "{urn:...:assertion}Issuer"."""
    return f"{{{NS[prefix]}}}{name}"


# Bindings.


def _b64decode(value: str | bytes, *, max_bytes: int) -> bytes:
    if isinstance(value, str):
        value = value.encode("ascii", "replace")
    compact = b"".join(value.split())
    if len(compact) > max_bytes * 4 // 3 + 4:
        raise SamlInputError("The SAML message is too large.")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SamlInputError("The SAML message is not valid base64.") from exc


def decode_post(value: str | bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> bytes:
    """The XML of an HTTP-POST binding's SAMLResponse or SAMLRequest field (base64, not compressed)."""
    xml = _b64decode(value, max_bytes=max_bytes)
    if len(xml) > max_bytes:
        raise SamlInputError("The SAML message is too large.")
    return xml


def decode_redirect(value: str | bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> bytes:
    """The XML of an HTTP-Redirect binding's parameter: base64 of raw DEFLATE, inflated to at most max_bytes."""
    compressed = _b64decode(value, max_bytes=max_bytes)
    inflater = zlib.decompressobj(-15)
    try:
        xml = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise SamlInputError("The SAML message is not valid DEFLATE data.") from exc
    if len(xml) > max_bytes or inflater.unconsumed_tail:
        raise SamlInputError("The SAML message is too large.")
    return xml


def encode_post(xml: bytes) -> str:
    return base64.b64encode(xml).decode("ascii")


def encode_redirect(xml: bytes) -> str:
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml) + compressor.flush()).decode("ascii")


# Parsing.

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
    remove_pis=False,
)


def parse(xml: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> etree._Element:
    """The root element of an untrusted XML document, refusing DTDs, entities and processing instructions."""
    if len(xml) > max_bytes:
        raise SamlInputError("The SAML message is too large.")
    head = xml[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in xml.upper():
        raise SamlInputError("The SAML message carries a DTD, which SAML never needs.")
    try:
        root = etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SamlInputError("The SAML message is not well-formed XML.") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise SamlInputError("The SAML message carries a DTD, which SAML never needs.")
    for _ in root.iter(etree.Entity, etree.ProcessingInstruction):
        raise SamlInputError("The SAML message carries entities or processing instructions.")
    return root


def text_of(element: etree._Element | None) -> str:
    """The whole text of a simple-content element, comments skipped but the text after them kept.

    `<NameID>alice@example.com<!---->.evil.test</NameID>` reads as `alice@example.com.evil.test`,
    never `alice@example.com` (the comment-truncation attack). A child element is refused: a
    NameID or AttributeValue with element content is not what we read as a string.
    """
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child, etree._Comment):
            raise SamlInputError("A SAML value carries unexpected markup.")
        parts.append(child.tail or "")
    return "".join(parts).strip()


# Identifiers and time.


def new_id() -> str:
    """An ID attribute value: an NCName (it must not start with a digit) with 160 bits of randomness."""
    return "_" + secrets.token_hex(20)


def instant(moment: dt.datetime) -> str:
    """A SAML dateTime: UTC, whole seconds, with the Z suffix (Core §1.3.3)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: str) -> dt.datetime:
    """A SAML dateTime as an aware datetime; a value without a zone is refused (Core §1.3.3 says UTC)."""
    text = (value or "").strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise SamlInputError(f"{value!r} is not a SAML time.") from exc
    if moment.tzinfo is None:
        raise SamlInputError(f"{value!r} is not a SAML time in UTC.")
    return moment


# Signatures.


def _signature_placeholder(element: etree._Element) -> None:
    """Put the enveloped signature where the schema wants it: right after the element's Issuer."""
    # Declared with the ds prefix on the Signature itself: with an undeclared namespace lxml names it ns0, and
    # moving the signed element into another document (an assertion into its response) renames the SignedInfo's
    # prefix, which changes its canonical form and breaks the signature.
    placeholder = etree.Element(q("ds", "Signature"), Id="placeholder", nsmap={"ds": NS["ds"]})
    issuer = element.find(q("saml", "Issuer"))
    element.insert(0 if issuer is None else element.index(issuer) + 1, placeholder)


def sign(element: etree._Element, *, key_pem: str, cert_pem: str) -> etree._Element:
    """`element` with an enveloped RSA-SHA256 signature over it, exclusive c14n, the certificate in KeyInfo.

    The element must carry an ID attribute (the reference is to it). Returns a new element; to sign an
    assertion inside a response, sign the assertion first and put the result into the response.
    """
    _signature_placeholder(element)
    signer = XMLSigner(
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=EXC_C14N,
    )
    signer.namespaces = {"ds": NS["ds"]}
    return signer.sign(element, key=key_pem.encode(), cert=cert_pem, reference_uri=element.get("ID"))


# What signxml raises for untrusted input: its own errors, lxml's (a Signature off its schema), value errors.
_VERIFY_FAILURES = (SignXMLException, etree.LxmlError, ValueError, TypeError)


def verify(element: etree._Element, certificates_pem: list[str]) -> etree._Element:
    """The element an enveloped signature directly inside `element` covers, verified with one of the certificates.

    Only the signature that is a direct child of `element` is considered, it must reference `element` itself
    (one reference, by its ID) and use an algorithm signxml accepts by default (no SHA-1). What returns is
    signxml's own copy of the signed bytes: read from it, never from the document you passed in.
    Raises SamlInputError when no certificate verifies it.
    """
    if not certificates_pem:
        raise SamlInputError("No signing certificate is configured for this identity provider.")
    reasons = []
    for cert in certificates_pem:
        try:
            result = XMLVerifier().verify(
                element,
                x509_cert=cert,
                expect_config=SignatureConfiguration(location="./", expect_references=1),
            )
        except _VERIFY_FAILURES as exc:  # a damaged Signature fails signxml's schema check (DocumentInvalid) too
            reasons.append(str(exc)[:300])
            continue
        signed = result.signed_xml
        if signed is None or signed.tag != element.tag or signed.get("ID") != element.get("ID"):
            reasons.append("the signature does not cover the element it sits in")
            continue
        return signed
    raise SamlInputError("The SAML signature does not verify: " + "; ".join(dict.fromkeys(reasons)))


# Keys and certificates.


def self_signed_certificate(common_name: str, *, days: int = 3650) -> tuple[str, str]:
    """A fresh RSA-2048 key (PKCS#8 PEM) and a self-signed certificate for it (PEM), SHA-256 signed.

    SAML peers pin the certificate itself, not a chain, so self-signed is what SAML metadata expects.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def certificate_body(cert_pem: str) -> str:
    """The base64 DER of a PEM certificate, without header lines: what ds:X509Certificate holds."""
    certificate = x509.load_pem_x509_certificate(cert_pem.encode())
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode("ascii")


def certificate_pem(body: str) -> str:
    """A PEM certificate from the base64 DER that metadata's ds:X509Certificate holds (whitespace ignored)."""
    der = _b64decode(body, max_bytes=64 * 1024)
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise SamlInputError("A certificate in the metadata is not a valid X.509 certificate.") from exc
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


# Metadata (SAML 2.0 Metadata §2.3-2.4): what a peer's EntityDescriptor says about it.


@dataclass(frozen=True)
class IdpMetadata:
    """An identity provider as its metadata describes it: the facts a service provider needs.

    `signing_certificates` holds every certificate its IDPSSODescriptor offers for signing (a KeyDescriptor
    with use="signing" or without `use`), in document order: during a key rollover the metadata lists the
    old and the new one, and a response signed by either verifies.
    """

    entity_id: str
    sso_url_redirect: str
    signing_certificates: tuple[str, ...]
    sso_url_post: str = ""
    want_authn_requests_signed: bool = False
    name_id_formats: tuple[str, ...] = ()


MAX_METADATA_BYTES = 1024 * 1024


def idp_metadata_parse(xml: bytes, *, max_bytes: int = MAX_METADATA_BYTES) -> IdpMetadata:
    """The identity provider an EntityDescriptor (or an EntitiesDescriptor holding exactly one) describes.

    Raises SamlInputError naming what is missing: no IDPSSODescriptor, no entityID, no SingleSignOnService
    with the HTTP-Redirect binding, no signing certificate.
    """
    root = parse(xml, max_bytes=max_bytes)
    if root.tag == q("md", "EntitiesDescriptor"):
        entities = [entity for entity in root.iter(q("md", "EntityDescriptor")) if _idp_descriptor(entity) is not None]
        if len(entities) != 1:
            raise SamlInputError(
                f"The metadata lists {len(entities)} identity providers; give the metadata of exactly one."
            )
        root = entities[0]
    if root.tag != q("md", "EntityDescriptor"):
        raise SamlInputError("This is not SAML metadata: its root is not an md:EntityDescriptor.")
    descriptor = _idp_descriptor(root)
    if descriptor is None:
        raise SamlInputError("The metadata describes no identity provider (it has no IDPSSODescriptor).")
    entity_id = (root.get("entityID") or "").strip()
    if not entity_id:
        raise SamlInputError("The metadata's EntityDescriptor has no entityID.")
    services = {
        service.get("Binding"): (service.get("Location") or "").strip()
        for service in reversed(descriptor.findall(q("md", "SingleSignOnService")))
    }
    if not services.get(BINDING_REDIRECT):
        raise SamlInputError("The metadata has no SingleSignOnService with the HTTP-Redirect binding.")
    certificates = tuple(
        dict.fromkeys(
            certificate_pem(text_of(cert))
            for key in descriptor.findall(q("md", "KeyDescriptor"))
            if key.get("use", "signing") == "signing"
            for cert in key.iterfind(".//ds:X509Certificate", NS)
        )
    )
    if not certificates:
        raise SamlInputError("The metadata has no signing certificate (KeyDescriptor with an X509Certificate).")
    return IdpMetadata(
        entity_id=entity_id,
        sso_url_redirect=services[BINDING_REDIRECT],
        sso_url_post=services.get(BINDING_POST, ""),
        signing_certificates=certificates,
        want_authn_requests_signed=descriptor.get("WantAuthnRequestsSigned") in ("true", "1"),
        name_id_formats=tuple(text_of(item) for item in descriptor.findall(q("md", "NameIDFormat"))),
    )


def _idp_descriptor(entity: etree._Element) -> etree._Element | None:
    return next(
        (
            descriptor
            for descriptor in entity.findall(q("md", "IDPSSODescriptor"))
            if "urn:oasis:names:tc:SAML:2.0:protocol" in (descriptor.get("protocolSupportEnumeration") or "").split()
        ),
        None,
    )


# The HTTP-Redirect binding's detached signature (Bindings §3.4.4.1): over the query string, not the XML.

SIG_ALG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def redirect_query_sign(params: list[tuple[str, str]], *, key_pem: str) -> list[tuple[str, str]]:
    """`params` (SAMLRequest or SAMLResponse, then RelayState if any) with SigAlg and Signature appended.

    The signed octets are the URL-encoded `name=value` pairs joined by `&`, in this order, exactly as sent.
    """
    signed = [*params, ("SigAlg", SIG_ALG_RSA_SHA256)]
    octets = "&".join(f"{name}={quote(value, safe='')}" for name, value in signed).encode()
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    signature = key.sign(octets, padding.PKCS1v15(), hashes.SHA256())
    return [*signed, ("Signature", base64.b64encode(signature).decode("ascii"))]
