"""The shared SAML building blocks: bindings, hardened parsing, whole-text reading, sign and verify."""

import base64
import copy
import zlib

import pytest
from lxml import etree

from sso_gateway import saml, xmlenc

ASSERTION = (
    '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0" '
    'IssueInstant="2026-12-02T10:00:00Z"><saml:Issuer>https://idp.test/</saml:Issuer>'
    "<saml:Subject><saml:NameID>alice@example.com</saml:NameID></saml:Subject></saml:Assertion>"
)


@pytest.fixture(scope="module")
def keys():
    return saml.self_signed_certificate("idp.test"), saml.self_signed_certificate("other.test")


def test_redirect_binding_round_trips_and_caps_inflation():
    xml = b"<a>" + b"x" * 1000 + b"</a>"
    assert saml.decode_redirect(saml.encode_redirect(xml)) == xml
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = bomb.compress(b"\0" * 5_000_000) + bomb.flush()
    with pytest.raises(saml.SamlInputError, match="too large"):
        saml.decode_redirect(base64.b64encode(packed))


def test_post_binding_refuses_what_is_not_base64_or_too_large():
    assert saml.decode_post(base64.b64encode(b"<a/>").decode()) == b"<a/>"
    with pytest.raises(saml.SamlInputError, match="base64"):
        saml.decode_post("not*base64!")
    with pytest.raises(saml.SamlInputError, match="too large"):
        saml.decode_post(base64.b64encode(b"x" * 100), max_bytes=10)


@pytest.mark.parametrize(
    "xml",
    [
        b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
        b'<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
        b"<a><?php echo 1 ?></a>",
    ],
)
def test_parse_refuses_dtds_entities_and_processing_instructions(xml):
    with pytest.raises(saml.SamlInputError):
        saml.parse(xml)


def test_text_of_reads_across_a_comment_and_refuses_markup():
    root = saml.parse(b"<n>alice@example.com<!-- x -->.evil.test</n>")
    assert saml.text_of(root) == "alice@example.com.evil.test"
    with pytest.raises(saml.SamlInputError):
        saml.text_of(saml.parse(b"<n>a<b>c</b></n>"))


def test_signed_element_verifies_only_with_its_key_and_only_unaltered(keys):
    (key, cert), (_, other_cert) = keys
    signed = saml.sign(saml.parse(ASSERTION.encode()), key_pem=key, cert_pem=cert)
    # The signature sits right after the Issuer, as the schema requires.
    assert [etree.QName(child).localname for child in signed][:2] == ["Issuer", "Signature"]
    reparsed = saml.parse(etree.tostring(signed))
    assert saml.verify(reparsed, [other_cert, cert]).get("ID") == "_a1"

    with pytest.raises(saml.SamlInputError):
        saml.verify(reparsed, [other_cert])
    altered = copy.deepcopy(reparsed)
    altered.find(".//saml:NameID", saml.NS).text = "mallory@example.com"
    with pytest.raises(saml.SamlInputError):
        saml.verify(altered, [cert])


def test_times_are_utc_with_z():
    moment = saml.parse_instant("2026-12-02T10:00:00.123Z")
    assert saml.instant(moment) == "2026-12-02T10:00:00Z"
    with pytest.raises(saml.SamlInputError):
        saml.parse_instant("2026-12-02T10:00:00")


def test_certificate_body_round_trips(keys):
    (_, cert), _ = keys
    assert saml.certificate_pem(saml.certificate_body(cert)) == cert


def test_a_signed_assertion_moved_into_a_response_still_verifies(keys):
    (key, cert), _ = keys
    signed = saml.sign(saml.parse(ASSERTION.encode()), key_pem=key, cert_pem=cert)
    response = etree.fromstring(
        b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        b'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0"/>'
    )
    response.append(signed)
    reparsed = saml.parse(etree.tostring(response))
    assert saml.verify(reparsed.find("saml:Assertion", saml.NS), [cert]).get("ID") == "_a1"


@pytest.mark.parametrize("gcm", [True, False], ids=["aes256-gcm", "aes256-cbc"])
def test_encrypted_elements_decrypt_only_with_the_right_key(keys, gcm):
    (key, cert), (other_key, _) = keys
    wrapper = etree.Element(saml.q("saml", "EncryptedAssertion"))
    wrapper.append(xmlenc.encrypt(saml.parse(ASSERTION.encode()), cert_pem=cert, gcm=gcm))
    reparsed = saml.parse(etree.tostring(wrapper))
    assert xmlenc.decrypt(reparsed, key_pem=key) == etree.tostring(saml.parse(ASSERTION.encode()))
    with pytest.raises(saml.SamlInputError, match="cannot be decrypted"):
        xmlenc.decrypt(reparsed, key_pem=other_key)
    value = reparsed.find(".//xenc:EncryptedData/xenc:CipherData/xenc:CipherValue", saml.NS)
    raw = bytearray(base64.b64decode(value.text))
    raw[-1] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    if gcm:  # authenticated: any change is refused, with the same answer as a wrong key
        with pytest.raises(saml.SamlInputError, match="cannot be decrypted"):
            xmlenc.decrypt(reparsed, key_pem=key)
    else:  # CBC is not authenticated (the ACS relies on the signature inside): never the original back
        try:
            altered = xmlenc.decrypt(reparsed, key_pem=key)
        except saml.SamlInputError as exc:
            assert "cannot be decrypted" in str(exc)
        else:
            assert altered != etree.tostring(saml.parse(ASSERTION.encode()))


def test_rsa_pkcs1_v15_key_transport_is_refused(keys):
    (key, cert), _ = keys
    wrapper = etree.Element(saml.q("saml", "EncryptedAssertion"))
    wrapper.append(xmlenc.encrypt(saml.parse(ASSERTION.encode()), cert_pem=cert))
    wrapper.find(".//xenc:EncryptedKey/xenc:EncryptionMethod", saml.NS).set("Algorithm", xmlenc.XENC + "rsa-1_5")
    with pytest.raises(saml.SamlInputError):
        xmlenc.decrypt(wrapper, key_pem=key)


def test_a_damaged_signature_is_a_refusal_not_an_lxml_error(keys):
    (key, cert), _ = keys
    signed = saml.parse(etree.tostring(saml.sign(saml.parse(ASSERTION.encode()), key_pem=key, cert_pem=cert)))
    certificate = signed.find(".//ds:X509Certificate", saml.NS)
    certificate.text = certificate.text[:100] + "\n" + certificate.text[101:]  # off the Signature's schema
    signed.find(".//ds:SignatureValue", saml.NS).text = "!!"
    with pytest.raises(saml.SamlInputError):
        saml.verify(signed, [cert])
