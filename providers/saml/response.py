"""Validating a SAMLResponse at the Assertion Consumer Service: every check, in one place.

The rules are SAML 2.0 Core §2-3 and the Web Browser SSO profile (Profiles §4.1.4.2-4.1.4.3), hardened as
the OWASP SAML Security Cheat Sheet asks:
- the input is size-capped, base64, well-formed XML without a DTD, entity or processing instruction
  (`sso_gateway.saml.parse`), and no two elements share an ID;
- exactly one Assertion in the whole document (no EncryptedAssertion: the gateway advertises no
  encryption key), and it is signed, or the Response around it is, with a certificate of the provider's
  metadata (RSA-SHA256 or better; signxml refuses SHA-1);
- everything is read from the element signxml returns as signed, never from the document that was posted
  (signature wrapping); values are read whole (`text_of`: a comment cannot cut a NameID short);
- Destination, the bearer SubjectConfirmationData's Recipient = the ACS URL; the Issuers = the provider's
  entity id; the Audience = the SP entity id; InResponseTo = the request this browser started (or absent,
  only when IdP-initiated sign-ins are allowed); times within the leeway; status Success.
Replays are refused by `providers.saml.replay`, after these checks pass.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from providers.saml.errors import SamlMessageRefused, SamlProviderDenied, SamlResponseInvalid, status_reason
from sso_gateway import saml, xmlenc
from sso_gateway.saml import NS, q

BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
MAX_NAME_ID = 255
MAX_ATTRIBUTE_VALUES = 200


@dataclass(frozen=True)
class Expected:
    """What the response must say: our names, the provider's, and the request it answers (None: unsolicited)."""

    acs_url: str
    sp_entity_id: str
    idp_entity_id: str
    certificates: tuple[str, ...]
    request_id: str | None
    leeway: dt.timedelta
    now: dt.datetime
    decryption_key: str | None = None  # the provider's SP encryption key, when it wants encrypted assertions


@dataclass(frozen=True)
class SamlAssertion:
    assertion_id: str
    issuer: str
    name_id: str
    name_id_format: str
    not_on_or_after: dt.datetime
    attributes: dict[str, list[str]] = field(default_factory=dict)
    in_response_to: str = ""


def decode(value: str) -> etree._Element:
    """The posted SAMLResponse as an element, or SamlMessageRefused naming why it is not readable."""
    try:
        return saml.parse(saml.decode_post(value))
    except saml.SamlInputError as exc:
        message = str(exc)
        reason = "saml_too_large" if "too large" in message else "saml_not_base64" if "base64" in message else ""
        reason = reason or ("saml_dtd" if "DTD" in message or "entities" in message else "saml_malformed")
        raise SamlMessageRefused(message, reason=reason) from exc


def in_response_to(root: etree._Element) -> str:
    """The InResponseTo the (not yet verified) response claims: only used to find this browser's request."""
    return (root.get("InResponseTo") or "").strip()[:100]


def validate(root: etree._Element, expected: Expected) -> SamlAssertion:
    try:
        _check_envelope(root, expected)
        response, assertion = _signed(root, expected)
        _check_response(response, expected)
        return _read_assertion(assertion, expected)
    except saml.SamlInputError as exc:  # markup where a value belongs, a time without a zone
        raise SamlResponseInvalid(f"the response cannot be read: {exc}", reason="saml_malformed") from exc


def _check_envelope(root: etree._Element, expected: Expected) -> None:
    if root.tag != q("samlp", "Response") or root.get("Version") != "2.0":
        raise SamlMessageRefused("the message is not a SAML 2.0 Response.", reason="saml_not_response")
    ids = Counter(element.get("ID") for element in root.iter(etree.Element) if element.get("ID") is not None)
    if any(count > 1 for count in ids.values()):
        raise SamlResponseInvalid("two elements of the response share an ID.", reason="saml_duplicate_id")
    if root.find(".//saml:EncryptedAssertion", NS) is not None and not expected.decryption_key:
        raise SamlResponseInvalid(
            "the response carries an encrypted assertion, and this provider is not set to want encrypted assertions: "
            "tick that (its SP metadata then publishes an encryption certificate) or switch encryption off there.",
            reason="saml_encrypted_unsupported",
        )
    for name_id in root.iter(q("saml", "NameID")):
        if any(isinstance(child, etree._Comment) for child in name_id):
            # Signatures (exc-c14n without comments) do not cover comments: one inserted into a signed NameID
            # splits it for parsers that read only the first text node. The signed copy we read has it
            # removed and its text whole; still, no identity provider sends one, so it is refused.
            raise SamlResponseInvalid("the NameID carries an XML comment.", reason="saml_comment_in_value")
    _check_status(root)
    count = sum(1 for _ in root.iter(q("saml", "Assertion"), q("saml", "EncryptedAssertion")))
    if count != 1:
        raise SamlResponseInvalid(f"the response carries {count} assertions; exactly one is accepted.",
                                  reason="saml_assertion_count")  # fmt: skip


def _check_status(root: etree._Element) -> None:
    code = root.find("samlp:Status/samlp:StatusCode", NS)
    value = code.get("Value", "") if code is not None else ""
    if value == saml.STATUS_SUCCESS:
        return
    sub = code.find("samlp:StatusCode", NS) if code is not None else None
    reason = status_reason(sub.get("Value", "") if sub is not None else value)
    raise SamlProviderDenied(f"the provider answered with status {reason.removeprefix('saml_status_')}.",
                             reason=reason)  # fmt: skip


def _signed(root: etree._Element, expected: Expected) -> tuple[etree._Element, etree._Element]:
    """(response, assertion) as signed: from signxml's copies. The response signed covers its assertion."""
    response = root
    if root.find("ds:Signature", NS) is not None:
        response = _verify(root, expected)
    encrypted = response.findall("saml:EncryptedAssertion", NS)
    if len(encrypted) == 1 and expected.decryption_key:
        # Decrypted only after the response's signature (if any) held: the ciphertext read is the signed one.
        response.replace(encrypted[0], _decrypted(encrypted[0], expected.decryption_key))
    assertion = _only_assertion(response)
    if assertion.find("ds:Signature", NS) is not None:
        assertion = _verify(assertion, expected)
    elif response is root:
        raise SamlResponseInvalid("neither the response nor its assertion is signed.", reason="saml_unsigned")
    return response, assertion


_CONTEXT = (f'<gw-decrypted xmlns:saml="{NS["saml"]}" xmlns:ds="{NS["ds"]}" xmlns:xsi="{NS["xsi"]}" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema">').encode()  # fmt: skip


def _decrypted(encrypted: etree._Element, key_pem: str) -> etree._Element:
    """The Assertion inside an EncryptedAssertion, parsed as hardened as the message (Core §6.2)."""
    try:
        plain = xmlenc.decrypt(encrypted, key_pem=key_pem)
    except saml.SamlInputError as exc:
        raise SamlResponseInvalid(str(exc), reason="saml_decryption_failed") from exc
    if plain.lstrip().startswith(b"<?xml"):
        plain = plain[plain.index(b"?>") + 2 :]
    # The fragment may use prefixes its sender declared higher up: parsed inside an element declaring them. Text
    # that does not parse is the same failure as a wrong key (no telling padding from parse errors apart).
    try:
        wrapper = saml.parse(_CONTEXT + plain + b"</gw-decrypted>")
    except saml.SamlInputError as exc:
        raise SamlResponseInvalid(xmlenc.UNDECRYPTABLE, reason="saml_decryption_failed") from exc
    children = [child for child in wrapper if isinstance(child.tag, str)]
    if len(children) != 1 or children[0].tag != q("saml", "Assertion"):
        raise SamlResponseInvalid("the encrypted assertion holds something else than one Assertion.",
                                  reason="saml_assertion_count")  # fmt: skip
    return children[0]


def _only_assertion(response: etree._Element) -> etree._Element:
    assertions = response.findall("saml:Assertion", NS)
    if len(assertions) != 1 or sum(1 for _ in response.iter(q("saml", "Assertion"))) != 1:
        raise SamlResponseInvalid("the signed response does not hold exactly one assertion.",
                                  reason="saml_assertion_count")  # fmt: skip
    return assertions[0]


def _verify(element: etree._Element, expected: Expected) -> etree._Element:
    try:
        return saml.verify(element, list(expected.certificates))
    except saml.SamlInputError as exc:
        what = etree.QName(element).localname
        raise SamlResponseInvalid(f"the {what}'s signature does not verify with the provider's certificates: "
                                  f"{str(exc)[:300]}", reason="saml_signature_invalid") from exc  # fmt: skip


def _check_response(response: etree._Element, expected: Expected) -> None:
    if response.get("Destination") != expected.acs_url:
        raise SamlResponseInvalid(f"the response's Destination {response.get('Destination', '')[:200]!r} is not "
                                  "this provider's ACS URL.", reason="saml_destination_mismatch")  # fmt: skip
    issuer = response.find("saml:Issuer", NS)
    if issuer is not None and saml.text_of(issuer) != expected.idp_entity_id:
        raise SamlResponseInvalid("the response's Issuer is not the provider's entity id.",
                                  reason="saml_issuer_mismatch")  # fmt: skip
    if response.get("InResponseTo") is not None:  # optional here (Core §3.2.2); the assertion's is not
        _check_in_response_to(response.get("InResponseTo"), expected, where="response")


def _check_in_response_to(value: str | None, expected: Expected, *, where: str) -> None:
    if expected.request_id is None:
        if value:
            raise SamlResponseInvalid(f"the {where} answers a request this browser has no record of.",
                                      reason="saml_unknown_request")  # fmt: skip
        return
    if not value:
        raise SamlResponseInvalid(f"the {where} answers no request (unsolicited, IdP-initiated).",
                                  reason="saml_unsolicited")  # fmt: skip
    if value != expected.request_id:
        raise SamlResponseInvalid(f"the {where}'s InResponseTo is not the request this browser started.",
                                  reason="saml_unknown_request")  # fmt: skip


def _read_assertion(assertion: etree._Element, expected: Expected) -> SamlAssertion:
    issuer = saml.text_of(assertion.find("saml:Issuer", NS))
    if issuer != expected.idp_entity_id:
        raise SamlResponseInvalid(f"the assertion's Issuer {issuer[:200]!r} is not the provider's entity id.",
                                  reason="saml_issuer_mismatch")  # fmt: skip
    not_on_or_after = _check_conditions(assertion, expected)
    confirmation = _check_subject_confirmation(assertion, expected)
    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    value = saml.text_of(name_id)
    if not value or len(value) > MAX_NAME_ID:
        raise SamlResponseInvalid("the assertion has no usable NameID.", reason="saml_nameid_missing")
    if assertion.find("saml:AuthnStatement", NS) is None:
        raise SamlResponseInvalid("the assertion has no AuthnStatement.", reason="saml_no_authn_statement")
    _check_session(assertion, expected)
    return SamlAssertion(
        assertion_id=assertion.get("ID", ""),
        issuer=issuer,
        name_id=value,
        name_id_format=(name_id.get("Format") or saml.NAMEID_UNSPECIFIED).strip(),
        not_on_or_after=min(not_on_or_after, confirmation),
        attributes=_attributes(assertion),
        in_response_to=expected.request_id or "",
    )


def _time(element: etree._Element, name: str) -> dt.datetime | None:
    value = element.get(name)
    if value is None:
        return None
    try:
        return saml.parse_instant(value)
    except saml.SamlInputError as exc:
        raise SamlResponseInvalid(f"{name} is not a SAML time.", reason="saml_bad_time") from exc


def _check_window(element: etree._Element, expected: Expected, *, what: str) -> dt.datetime | None:
    not_before, not_on_or_after = _time(element, "NotBefore"), _time(element, "NotOnOrAfter")
    if not_before is not None and expected.now + expected.leeway < not_before:
        raise SamlResponseInvalid(f"the {what} is not valid yet (NotBefore).", reason="saml_not_yet_valid")
    if not_on_or_after is not None and expected.now - expected.leeway >= not_on_or_after:
        raise SamlResponseInvalid(f"the {what} has expired (NotOnOrAfter).", reason="saml_expired")
    return not_on_or_after


def _check_conditions(assertion: etree._Element, expected: Expected) -> dt.datetime:
    conditions = assertion.find("saml:Conditions", NS)
    if conditions is None:
        raise SamlResponseInvalid("the assertion has no Conditions (no audience).", reason="saml_audience_mismatch")
    not_on_or_after = _check_window(conditions, expected, what="assertion")
    restrictions = conditions.findall("saml:AudienceRestriction", NS)
    # Core §2.5.1.4: every AudienceRestriction must be met, and each is met when one of its Audiences is us.
    if not restrictions or any(
        expected.sp_entity_id not in [saml.text_of(audience) for audience in restriction.findall("saml:Audience", NS)]
        for restriction in restrictions
    ):
        raise SamlResponseInvalid("the assertion's Audience is not this provider's SP entity id.",
                                  reason="saml_audience_mismatch")  # fmt: skip
    return not_on_or_after or expected.now + dt.timedelta(hours=1)


def _check_subject_confirmation(assertion: etree._Element, expected: Expected) -> dt.datetime:
    """Profiles §4.1.4.3: a bearer confirmation whose data names our ACS URL, the request and an expiry."""
    bearers = [
        confirmation.find("saml:SubjectConfirmationData", NS)
        for confirmation in assertion.findall("saml:Subject/saml:SubjectConfirmation", NS)
        if confirmation.get("Method") == BEARER
    ]
    if not bearers or any(data is None for data in bearers):
        raise SamlResponseInvalid("the assertion has no bearer SubjectConfirmationData.",
                                  reason="saml_no_bearer_confirmation")  # fmt: skip
    data = bearers[0]
    if data.get("Recipient") != expected.acs_url:
        raise SamlResponseInvalid(f"the SubjectConfirmationData's Recipient {data.get('Recipient', '')[:200]!r} is "
                                  "not this provider's ACS URL.", reason="saml_recipient_mismatch")  # fmt: skip
    _check_in_response_to(data.get("InResponseTo"), expected, where="assertion")
    not_on_or_after = _check_window(data, expected, what="subject confirmation")
    if not_on_or_after is None:
        raise SamlResponseInvalid("the SubjectConfirmationData has no NotOnOrAfter.", reason="saml_expired")
    return not_on_or_after


def _check_session(assertion: etree._Element, expected: Expected) -> None:
    for statement in assertion.findall("saml:AuthnStatement", NS):
        ends = _time(statement, "SessionNotOnOrAfter")
        if ends is not None and expected.now - expected.leeway >= ends:
            raise SamlResponseInvalid("the provider's session has ended (SessionNotOnOrAfter).",
                                      reason="saml_expired")  # fmt: skip


def _attributes(assertion: etree._Element) -> dict[str, list[str]]:
    """Every attribute by its Name (values read whole, comments skipped; structured values left out)."""
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.iterfind("saml:AttributeStatement/saml:Attribute", NS):
        name = (attribute.get("Name") or "").strip()[:500]
        if not name:
            continue
        values = attributes.setdefault(name, [])
        for value in attribute.findall("saml:AttributeValue", NS):
            if len(value) and any(not isinstance(child, etree._Comment) for child in value):
                continue  # a structured value (eduPersonTargetedID's NameID): not a string to map
            values.append(saml.text_of(value))
        del values[MAX_ATTRIBUTE_VALUES:]
    return attributes
