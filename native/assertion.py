"""The SAML Response the gateway posts to Atlassian's ACS (SAML Core §2 and §3.3.3, Profiles §4.1.4.2).

What Atlassian's SP reads (docs/native-mode.md): a bearer assertion whose NameID, in emailAddress format,
is the customer's verified email; SubjectConfirmationData with Recipient = the ACS URL, InResponseTo = the
AuthnRequest's ID and a short NotOnOrAfter; Conditions with the SP entity URL as the only Audience; and
the attributes `givenname`, `surname`, `emailaddress` and `name` (a stable id that is not the email). The
assertion is signed, and then the Response around it (RSA-SHA256, exclusive c14n: `sso_gateway.saml.sign`),
so an SP that checks either finds a signature where it looks. Values are plain xs:string text (no xsi:type:
exclusive c14n does not carry a namespace prefix used only inside an attribute value).
"""

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from sso_gateway import saml
from sso_gateway.saml import q

LIFETIME = dt.timedelta(minutes=5)
CLOCK_SKEW = dt.timedelta(seconds=60)
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
ATTR_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
UNSPECIFIED_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified"
STATUS = "urn:oasis:names:tc:SAML:2.0:status:"


@dataclass(frozen=True)
class Signer:
    key_pem: str
    cert_pem: str


@dataclass(frozen=True)
class Addressing:
    """Who speaks to whom: our entity id, Atlassian's ACS URL and entity URL, and the request answered."""

    issuer: str
    acs_url: str
    audience: str
    in_response_to: str


@dataclass(frozen=True)
class AssertedCustomer:
    email: str
    first_name: str
    last_name: str
    user_id: str  # stable, not the email
    authn_instant: dt.datetime
    session_index: str


def _nsmap() -> dict:
    return {"samlp": saml.NS["samlp"], "saml": saml.NS["saml"]}


def _response(to: Addressing, *, now: dt.datetime, status: str, sub_status: str = "", message: str = ""):
    response = etree.Element(
        q("samlp", "Response"),
        nsmap=_nsmap(),
        ID=saml.new_id(),
        Version="2.0",
        IssueInstant=saml.instant(now),
        Destination=to.acs_url,
        InResponseTo=to.in_response_to,
    )
    etree.SubElement(response, q("saml", "Issuer")).text = to.issuer
    status_element = etree.SubElement(response, q("samlp", "Status"))
    code = etree.SubElement(status_element, q("samlp", "StatusCode"), Value=STATUS + status)
    if sub_status:
        etree.SubElement(code, q("samlp", "StatusCode"), Value=STATUS + sub_status)
    if message:
        etree.SubElement(status_element, q("samlp", "StatusMessage")).text = message
    return response


def response_success(to: Addressing, customer: AssertedCustomer, *, signer: Signer, now: dt.datetime) -> bytes:
    response = _response(to, now=now, status="Success")
    assertion = saml.sign(_assertion(to, customer, now=now), key_pem=signer.key_pem, cert_pem=signer.cert_pem)
    return _signed_bytes(_embedded(response, assertion), signer)


def _embedded(response, signed_assertion):
    """`response` with the signed assertion as its last child, by text rather than by `append`.

    Moving an element between lxml documents reconciles its namespace prefixes with the new ancestors
    (the signature's `ds:` becomes the parent's `ns0:` for the same URI), and exclusive c14n is
    prefix-sensitive: an appended signed assertion no longer verifies. Parsing the joined text keeps
    every prefix as signed. (Both strings are our own output, not untrusted input.)
    """
    head, _, tail = etree.tostring(response).rpartition(b"</samlp:Response>")
    if not _:
        raise ValueError("unexpected serialisation of the Response")
    return etree.fromstring(head + etree.tostring(signed_assertion) + b"</samlp:Response>" + tail)  # noqa: S320


def response_failure(
    to: Addressing, *, status: str, sub_status: str, message: str, signer: Signer, now: dt.datetime
) -> bytes:
    """A Response with no assertion (NoPassive, InvalidNameIDPolicy...): the SP learns why, nothing is asserted."""
    return _signed_bytes(_response(to, now=now, status=status, sub_status=sub_status, message=message), signer)


def _signed_bytes(response, signer: Signer) -> bytes:
    signed = saml.sign(response, key_pem=signer.key_pem, cert_pem=signer.cert_pem)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def _assertion(to: Addressing, customer: AssertedCustomer, *, now: dt.datetime):
    until = saml.instant(now + LIFETIME)
    assertion = etree.Element(
        q("saml", "Assertion"), nsmap=_nsmap(), ID=saml.new_id(), Version="2.0", IssueInstant=saml.instant(now)
    )
    etree.SubElement(assertion, q("saml", "Issuer")).text = to.issuer
    subject = etree.SubElement(assertion, q("saml", "Subject"))
    etree.SubElement(subject, q("saml", "NameID"), Format=saml.NAMEID_EMAIL).text = customer.email
    confirmation = etree.SubElement(subject, q("saml", "SubjectConfirmation"), Method=BEARER)
    etree.SubElement(
        confirmation,
        q("saml", "SubjectConfirmationData"),
        InResponseTo=to.in_response_to,
        NotOnOrAfter=until,
        Recipient=to.acs_url,
    )
    conditions = etree.SubElement(
        assertion, q("saml", "Conditions"), NotBefore=saml.instant(now - CLOCK_SKEW), NotOnOrAfter=until
    )
    restriction = etree.SubElement(conditions, q("saml", "AudienceRestriction"))
    etree.SubElement(restriction, q("saml", "Audience")).text = to.audience
    statement = etree.SubElement(
        assertion,
        q("saml", "AuthnStatement"),
        AuthnInstant=saml.instant(min(customer.authn_instant, now)),
        SessionIndex=customer.session_index,
    )
    context = etree.SubElement(statement, q("saml", "AuthnContext"))
    etree.SubElement(context, q("saml", "AuthnContextClassRef")).text = UNSPECIFIED_CONTEXT
    _attributes(assertion, customer)
    return assertion


def _attributes(assertion, customer: AssertedCustomer) -> None:
    statement = etree.SubElement(assertion, q("saml", "AttributeStatement"))
    values = {
        "givenname": customer.first_name,
        "surname": customer.last_name,
        "emailaddress": customer.email,
        "name": customer.user_id,
    }
    for name, value in values.items():
        if not value:
            continue
        attribute = etree.SubElement(statement, q("saml", "Attribute"), Name=CLAIMS + name, NameFormat=ATTR_URI)
        etree.SubElement(attribute, q("saml", "AttributeValue")).text = value
