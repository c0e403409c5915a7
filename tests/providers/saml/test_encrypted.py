"""Encrypted assertions, for a provider that wants them: its SP metadata publishes an encryption certificate of
its own; the ACS decrypts (AES-GCM or AES-CBC, RSA-OAEP) only after the response's signature, if any, held, and
still insists on a signature over what it reads."""

import pytest
from lxml import etree

from providers.models import Customer
from sso_gateway import saml, xmlenc
from tests.providers.saml import builder
from tests.providers.saml.conftest import start_sign_in
from tests.providers.saml.test_acs_hostile import assert_refused, assert_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def wants_encryption(saml_idp):
    saml_idp.want_encrypted_assertions = True
    saml_idp.save()
    assert "BEGIN CERTIFICATE" in saml_idp.sp_encryption_certificate
    return saml_idp


def test_the_sp_metadata_publishes_the_encryption_certificate(client, wants_encryption):
    xml = client.get("/acme/saml/corp/metadata/").content
    descriptor = saml.parse(xml).find("md:SPSSODescriptor", saml.NS)
    key = descriptor.find("md:KeyDescriptor[@use='encryption']", saml.NS)
    assert key is not None, xml
    body = saml.text_of(key.find(".//ds:X509Certificate", saml.NS))
    assert saml.certificate_pem(body) == wants_encryption.sp_encryption_certificate
    assert xmlenc.XENC11 + "aes256-gcm" in [
        method.get("Algorithm") for method in key.findall("md:EncryptionMethod", saml.NS)
    ]


@pytest.mark.parametrize("gcm", [True, False], ids=["aes256-gcm", "aes256-cbc"])
def test_a_signed_assertion_encrypted_to_us_is_accepted(wants_encryption, idp_keys, gcm):
    started = start_sign_in(wants_encryption)
    item = builder.encrypted(builder.signed(builder.assertion(started.shape), idp_keys),
                             wants_encryption.sp_encryption_certificate, gcm=gcm)  # fmt: skip
    assert_signed_in(started.post(etree.tostring(builder.response(started.shape, item))), started)


def test_a_signed_response_around_an_encrypted_assertion_is_accepted(wants_encryption, idp_keys):
    started = start_sign_in(wants_encryption)
    item = builder.encrypted(builder.assertion(started.shape), wants_encryption.sp_encryption_certificate)
    root = builder.signed(builder.response(started.shape, item), idp_keys)
    assert_signed_in(started.post(etree.tostring(root)), started)


def test_an_encrypted_but_unsigned_assertion_is_refused(wants_encryption):
    started = start_sign_in(wants_encryption)
    item = builder.encrypted(builder.assertion(started.shape), wants_encryption.sp_encryption_certificate)
    assert_refused(started.post(etree.tostring(builder.response(started.shape, item))), "saml_unsigned")


def test_an_assertion_encrypted_to_another_key_is_refused(wants_encryption, idp_keys, other_keys):
    started = start_sign_in(wants_encryption)
    item = builder.encrypted(builder.signed(builder.assertion(started.shape), idp_keys), other_keys[1])
    assert_refused(started.post(etree.tostring(builder.response(started.shape, item))), "saml_decryption_failed")


def test_an_encrypted_assertion_next_to_a_plain_one_is_refused(wants_encryption, idp_keys):
    started = start_sign_in(wants_encryption)
    plain = builder.signed(builder.assertion(started.shape), idp_keys)
    item = builder.encrypted(builder.signed(builder.assertion(started.shape), idp_keys),
                             wants_encryption.sp_encryption_certificate)  # fmt: skip
    page = started.post(etree.tostring(builder.response(started.shape, plain, item)))
    assert_refused(page, "saml_assertion_count")
    assert not Customer.objects.exists()


def test_a_provider_that_does_not_want_encryption_refuses_it(saml_idp, idp_keys):
    started = start_sign_in(saml_idp)
    item = builder.encrypted(builder.signed(builder.assertion(started.shape), idp_keys), idp_keys[1])
    assert_refused(started.post(etree.tostring(builder.response(started.shape, item))), "saml_encrypted_unsupported")
