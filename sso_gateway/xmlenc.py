"""XML Encryption (xmlenc-core, xmlenc-core1) for SAML: decrypting what a peer encrypted to our certificate
(an EncryptedAssertion), and encrypting to a peer's (what an identity provider does; the tests use it too).

Content keys travel RSA-OAEP encrypted (RSA PKCS#1 v1.5, open to Bleichenbacher's attack, is refused); the data
is AES in GCM or CBC mode. CBC is not authenticated, so every failure past the algorithm check is one and the
same `SamlInputError`, and callers must still demand a signature over what they read.
"""

import base64
import binascii
import secrets

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

from sso_gateway.saml import NS, SamlInputError, q, text_of

XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
_BLOCK_CIPHERS = {
    XENC + "aes128-cbc": ("cbc", 16), XENC + "aes192-cbc": ("cbc", 24), XENC + "aes256-cbc": ("cbc", 32),
    XENC11 + "aes128-gcm": ("gcm", 16), XENC11 + "aes192-gcm": ("gcm", 24), XENC11 + "aes256-gcm": ("gcm", 32),
}  # fmt: skip
_KEY_TRANSPORTS = (XENC + "rsa-oaep-mgf1p", XENC11 + "rsa-oaep")  # RSA PKCS#1 v1.5 (rsa-1_5) is refused
_DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashes.SHA512,
}
_MGFS = {
    XENC11 + "mgf1sha1": hashes.SHA1,
    XENC11 + "mgf1sha256": hashes.SHA256,
    XENC11 + "mgf1sha384": hashes.SHA384,
    XENC11 + "mgf1sha512": hashes.SHA512,
}
UNDECRYPTABLE = "The encrypted element cannot be decrypted with this service provider's key."


def decrypt(encrypted: etree._Element, *, key_pem: str) -> bytes:
    """The plaintext of the xenc:EncryptedData inside `encrypted` (an EncryptedAssertion, EncryptedID, ...).

    The content key is RSA-OAEP encrypted to our key (in the EncryptedData's KeyInfo, or beside it), the data
    AES-CBC or AES-GCM. Every failure past the algorithm check is one and the same SamlInputError, so an attacker
    learns nothing from which step failed (the padding-oracle attack on XML Encryption's CBC mode).
    """
    data = encrypted.find("xenc:EncryptedData", NS)
    if data is None:
        raise SamlInputError("The encrypted element holds no EncryptedData.")
    method = data.find("xenc:EncryptionMethod", NS)
    cipher = _BLOCK_CIPHERS.get(method.get("Algorithm", "") if method is not None else "")
    encrypted_key = data.find("ds:KeyInfo/xenc:EncryptedKey", NS)
    if encrypted_key is None:
        encrypted_key = encrypted.find("xenc:EncryptedKey", NS)
    if cipher is None or encrypted_key is None:
        raise SamlInputError("The encrypted element uses an algorithm this gateway does not accept, or has no key.")
    try:
        content_key = _unwrap_key(encrypted_key, key_pem=key_pem)
        ciphertext = base64.b64decode(text_of(data.find("xenc:CipherData/xenc:CipherValue", NS)), validate=True)
        if len(content_key) != cipher[1]:
            raise ValueError("content key length")
        return _decrypt_block(cipher[0], content_key, ciphertext)
    except (ValueError, TypeError, KeyError, binascii.Error, InvalidTag, SamlInputError) as exc:
        raise SamlInputError(UNDECRYPTABLE) from exc


def _unwrap_key(encrypted_key: etree._Element, *, key_pem: str) -> bytes:
    method = encrypted_key.find("xenc:EncryptionMethod", NS)
    algorithm = method.get("Algorithm", "") if method is not None else ""
    if algorithm not in _KEY_TRANSPORTS:
        raise SamlInputError("The content key's transport algorithm is not RSA-OAEP.")
    digest_method = method.find("ds:DigestMethod", NS)
    digest = _DIGESTS[digest_method.get("Algorithm")] if digest_method is not None else hashes.SHA1
    mgf_method = method.find("xenc11:MGF", NS)
    mgf = _MGFS[mgf_method.get("Algorithm")] if mgf_method is not None else hashes.SHA1
    wrapped = base64.b64decode(text_of(encrypted_key.find("xenc:CipherData/xenc:CipherValue", NS)), validate=True)
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    return key.decrypt(wrapped, padding.OAEP(mgf=padding.MGF1(mgf()), algorithm=digest(), label=None))


def _decrypt_block(mode: str, key: bytes, ciphertext: bytes) -> bytes:
    if mode == "gcm":  # xmlenc-core1 5.2.4: a 96-bit IV first, the 128-bit tag last
        return AESGCM(key).decrypt(ciphertext[:12], ciphertext[12:], None)
    iv, body = ciphertext[:16], ciphertext[16:]
    if not body or len(body) % 16:
        raise ValueError("ciphertext length")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(body) + decryptor.finalize()
    pad = plain[-1]  # xmlenc-core 5.2: the last octet says how many octets of padding to drop (any values)
    if not 1 <= pad <= 16:
        raise ValueError("padding")
    return plain[:-pad]


def encrypt(element: etree._Element, *, cert_pem: str, gcm: bool = True) -> etree._Element:
    """An xenc:EncryptedData of `element` for the holder of `cert_pem`: AES-256 (GCM, or CBC), the content key
    RSA-OAEP (SHA-256) encrypted in its KeyInfo. What an identity provider sends in an EncryptedAssertion."""
    content_key = secrets.token_bytes(32)
    plain = etree.tostring(element)
    if gcm:
        iv = secrets.token_bytes(12)
        ciphertext, algorithm = iv + AESGCM(content_key).encrypt(iv, plain, None), XENC11 + "aes256-gcm"
    else:
        iv, pad = secrets.token_bytes(16), 16 - len(plain) % 16
        encryptor = Cipher(algorithms.AES(content_key), modes.CBC(iv)).encryptor()
        ciphertext = iv + encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
        algorithm = XENC + "aes256-cbc"
    public_key = x509.load_pem_x509_certificate(cert_pem.encode()).public_key()
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    wrapped = public_key.encrypt(content_key, oaep)
    data = etree.Element(q("xenc", "EncryptedData"), nsmap={"xenc": XENC, "ds": NS["ds"]}, Type=XENC + "Element")
    etree.SubElement(data, q("xenc", "EncryptionMethod"), Algorithm=algorithm)
    key = etree.SubElement(etree.SubElement(data, q("ds", "KeyInfo")), q("xenc", "EncryptedKey"))
    transport = etree.SubElement(key, q("xenc", "EncryptionMethod"), Algorithm=XENC11 + "rsa-oaep")
    etree.SubElement(transport, q("ds", "DigestMethod"), Algorithm=XENC + "sha256")
    etree.SubElement(transport, f"{{{XENC11}}}MGF", Algorithm=XENC11 + "mgf1sha256")
    etree.SubElement(etree.SubElement(key, q("xenc", "CipherData")), q("xenc", "CipherValue")).text = base64.b64encode(
        wrapped
    ).decode()
    etree.SubElement(etree.SubElement(data, q("xenc", "CipherData")), q("xenc", "CipherValue")).text = base64.b64encode(
        ciphertext
    ).decode()
    return data
