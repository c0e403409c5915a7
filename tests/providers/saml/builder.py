"""A SAML identity provider of our own, in the tests: builds responses (good ones, and each kind of hostile
one) signed with test keys through `sso_gateway.saml.sign`, the way a real IdP or an attacker would."""

import copy
import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from sso_gateway import saml, xmlenc
from sso_gateway.saml import NS, q

IDP_ENTITY_ID = "https://idp.example.test/saml"
SSO_URL = "https://idp.example.test/saml/sso"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"


def metadata_xml(*cert_pems: str, entity_id: str = IDP_ENTITY_ID) -> str:
    keys = "".join(
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{saml.certificate_body(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        for cert in cert_pems
    )
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"{keys}<md:NameIDFormat>{saml.NAMEID_EMAIL}</md:NameIDFormat>"
        f'<md:SingleSignOnService Binding="{saml.BINDING_REDIRECT}" Location="{SSO_URL}"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


@dataclass
class Shape:
    """Everything a response says; the defaults are a good response to `request_id` for `acs`/`audience`."""

    request_id: str | None
    acs: str
    audience: str
    name_id: str = "ada.lovelace@example.com"
    name_id_format: str = saml.NAMEID_EMAIL
    attributes: dict = field(default_factory=dict)
    issuer: str = IDP_ENTITY_ID
    assertion_issuer: str | None = None
    destination: str | None = None
    recipient: str | None = None
    not_before: dt.timedelta = dt.timedelta(minutes=-1)
    not_on_or_after: dt.timedelta = dt.timedelta(minutes=5)
    status: str = saml.STATUS_SUCCESS
    assertion_id: str = field(default_factory=saml.new_id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sub(parent, prefix, name, text=None, **attrs):
    element = etree.SubElement(parent, q(prefix, name), **{k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def assertion(shape: Shape) -> etree._Element:
    now = _now()
    element = etree.Element(q("saml", "Assertion"), nsmap={"saml": NS["saml"]}, ID=shape.assertion_id,
                            Version="2.0", IssueInstant=saml.instant(now))  # fmt: skip
    _sub(element, "saml", "Issuer", shape.assertion_issuer or shape.issuer)
    subject = _sub(element, "saml", "Subject")
    _sub(subject, "saml", "NameID", shape.name_id, Format=shape.name_id_format)
    confirmation = _sub(subject, "saml", "SubjectConfirmation", Method=BEARER)
    _sub(confirmation, "saml", "SubjectConfirmationData", InResponseTo=shape.request_id,
         Recipient=shape.recipient or shape.acs, NotOnOrAfter=saml.instant(now + shape.not_on_or_after))  # fmt: skip
    conditions = _sub(element, "saml", "Conditions", NotBefore=saml.instant(now + shape.not_before),
                      NotOnOrAfter=saml.instant(now + shape.not_on_or_after))  # fmt: skip
    _sub(_sub(conditions, "saml", "AudienceRestriction"), "saml", "Audience", shape.audience)
    authn = _sub(element, "saml", "AuthnStatement", AuthnInstant=saml.instant(now), SessionIndex="_s1")
    context = _sub(authn, "saml", "AuthnContext")
    _sub(context, "saml", "AuthnContextClassRef", "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
    if shape.attributes:
        statement = _sub(element, "saml", "AttributeStatement")
        for name, values in shape.attributes.items():
            attribute = _sub(statement, "saml", "Attribute", Name=name)
            for value in values if isinstance(values, list) else [values]:
                _sub(attribute, "saml", "AttributeValue", value)
    return element


def response(shape: Shape, *assertions: etree._Element) -> etree._Element:
    root = etree.Element(q("samlp", "Response"), nsmap={"samlp": NS["samlp"], "saml": NS["saml"]},
                         ID=saml.new_id(), Version="2.0", IssueInstant=saml.instant(_now()),
                         Destination=shape.destination or shape.acs)  # fmt: skip
    if shape.request_id is not None:
        root.set("InResponseTo", shape.request_id)
    _sub(root, "saml", "Issuer", shape.issuer)
    status = _sub(root, "samlp", "Status")
    code = _sub(status, "samlp", "StatusCode", Value=shape.status if shape.status == saml.STATUS_SUCCESS else
                "urn:oasis:names:tc:SAML:2.0:status:Responder")  # fmt: skip
    if shape.status != saml.STATUS_SUCCESS:
        _sub(code, "samlp", "StatusCode", Value=shape.status)
    for item in assertions:
        root.append(copy.deepcopy(item))
    return root


def signed(element: etree._Element, keys: tuple[str, str]) -> etree._Element:
    key_pem, cert_pem = keys
    return saml.sign(etree.fromstring(etree.tostring(element)), key_pem=key_pem, cert_pem=cert_pem)


def good(shape: Shape, keys: tuple[str, str], *, sign: str = "assertion") -> bytes:
    """A valid response: the assertion signed, the response signed, or both."""
    item = assertion(shape)
    if sign in ("assertion", "both"):
        item = signed(item, keys)
    root = response(shape, item)
    if sign in ("response", "both"):
        root = signed(root, keys)
    return etree.tostring(root)


def encrypted(item: etree._Element, cert_pem: str, *, gcm: bool = True) -> etree._Element:
    """An EncryptedAssertion of `item` for the holder of `cert_pem` (what ADFS or Entra sends when told to)."""
    wrapper = etree.Element(q("saml", "EncryptedAssertion"), nsmap={"saml": NS["saml"]})
    wrapper.append(xmlenc.encrypt(item, cert_pem=cert_pem, gcm=gcm))
    return wrapper
