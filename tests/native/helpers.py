"""Reading the gateway's auto-submitting SAML form, and making AuthnRequests as an SP would."""

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from lxml import etree

from sso_gateway import saml
from sso_gateway.saml import q


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields, self.forms = None, {}, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms += 1
            self.action = attrs.get("action")
        elif tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def post_form_of(response) -> tuple[str, dict[str, str]]:
    """(the form's action, its fields) of the gateway's HTTP-POST binding page."""
    assert response.status_code == 200, response.content[:2000]
    parser = _Form()
    parser.feed(response.content.decode())
    assert parser.forms == 1 and parser.action, response.content[:2000]
    return parser.action, parser.fields


def saml_response_of(fields: dict[str, str]) -> etree._Element:
    return saml.parse(saml.decode_post(fields["SAMLResponse"]))


def status_of(root) -> list[str]:
    return [code.get("Value").rsplit(":", 1)[1] for code in root.iter(q("samlp", "StatusCode"))]


def local(url: str) -> str:
    """The path and query of a gateway URL, for Django's test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def authn_request_xml(*, issuer: str, acs_url: str | None = None, request_id: str = "_req1", **attributes) -> bytes:
    root = etree.Element(
        q("samlp", "AuthnRequest"),
        nsmap={"samlp": saml.NS["samlp"], "saml": saml.NS["saml"]},
        ID=request_id,
        Version="2.0",
        IssueInstant=saml.instant(dt.datetime.now(dt.UTC)),
        ProtocolBinding=saml.BINDING_POST,
    )
    if acs_url is not None:
        root.set("AssertionConsumerServiceURL", acs_url)
    for name, value in attributes.items():
        root.set(name, value)
    etree.SubElement(root, q("saml", "Issuer")).text = issuer
    return etree.tostring(root)


def redirect_query(xml: bytes, relay_state: str | None = None) -> str:
    params = {"SAMLRequest": saml.encode_redirect(xml)}
    if relay_state is not None:
        params["RelayState"] = relay_state
    return urlencode(params)
