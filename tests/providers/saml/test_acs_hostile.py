"""A hostile identity provider (and a man in the middle): every check of the ACS refuses what it must, with a
4xx page carrying a reference and no session; and it accepts what real providers send.

Responses are built here (tests/providers/saml/builder.py) and signed with test keys; OWASP SAML Security
Cheat Sheet and "On Breaking SAML" (Somorovsky et al., 2012) name the signature-wrapping forms below.
"""

import copy
import datetime as dt
import random

import pytest
from django.test import Client
from lxml import etree
from signxml import XMLSigner

from providers.models import Customer, LoginEvent
from sso_gateway import saml
from sso_gateway.saml import NS, q
from tests.providers.saml import builder
from tests.providers.saml.conftest import start_sign_in

pytestmark = pytest.mark.django_db


def assert_refused(page, reason: str | None = None, *, status: int | None = None):
    assert 400 <= page.status_code < 500, page.content[:1500]
    if status:
        assert page.status_code == status
    html = page.content.decode()
    assert 'class="reference"' in html
    assert not Customer.objects.exists()
    assert not any(key.startswith("gw.customer.") for key in page.wsgi_request.session.keys())  # noqa: SIM118
    if reason:
        assert LoginEvent.objects.filter(reason=reason, outcome="failure").exists(), list(
            LoginEvent.objects.values_list("reason", flat=True)
        )


def assert_signed_in(page, started, *, subject="ada.lovelace@example.com"):
    assert page.status_code == 302 and page["Location"] == "/acme/account/", page.content[:1500]
    customer = Customer.objects.get()
    assert customer.subject == subject
    assert started.client.session.get(f"gw.customer.{customer.tenant_id}")["id"] == customer.pk
    return customer


# -- accepted


@pytest.mark.parametrize("sign", ["assertion", "response", "both"])
def test_accepts_a_signed_assertion_a_signed_response_or_both(started, idp_keys, sign):
    assert_signed_in(started.post(builder.good(started.shape, idp_keys, sign=sign)), started)


def test_accepts_non_ascii_names_and_values(started, idp_keys, saml_idp):
    started.shape.name_id, started.shape.name_id_format = "zoë.åström-7f3a", saml.NAMEID_PERSISTENT
    started.shape.attributes = {
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": "zoe.astrom@example.com",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname": "Zoë",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname": "Åström",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": "Zoë Åström 山田",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["Kundendienst", "営業"],
    }
    customer = assert_signed_in(started.post(builder.good(started.shape, idp_keys)), started,
                                subject="zoë.åström-7f3a")  # fmt: skip
    assert (customer.first_name, customer.last_name, customer.display_name) == ("Zoë", "Åström", "Zoë Åström 山田")
    assert customer.groups == ["Kundendienst", "営業"]


def test_accepts_either_certificate_while_the_metadata_lists_two(started, saml_idp, idp_keys, other_keys):
    """Key rollover: the metadata lists the old and the new certificate; a response signed by the new one works."""
    saml_idp.metadata_xml = builder.metadata_xml(idp_keys[1], other_keys[1])
    saml_idp.save()
    assert_signed_in(started.post(builder.good(started.shape, other_keys)), started)


# -- refused: signatures


def test_refuses_an_unsigned_response(started, idp_keys):
    assert_refused(started.post(builder.good(started.shape, idp_keys, sign="none")), "saml_unsigned", status=403)


def test_refuses_a_signature_by_another_key(started, other_keys):
    assert_refused(started.post(builder.good(started.shape, other_keys)), "saml_signature_invalid", status=403)


@pytest.mark.parametrize("sign", ["assertion", "response"])
def test_refuses_a_response_altered_after_signing(started, idp_keys, sign):
    root = etree.fromstring(builder.good(started.shape, idp_keys, sign=sign))
    root.find(".//saml:NameID", NS).text = "grace.hopper@example.com"
    assert_refused(started.post(etree.tostring(root)), "saml_signature_invalid")


class _Sha1Signer(XMLSigner):
    def check_deprecated_methods(self):  # signxml will not even sign with SHA-1 unless told
        pass


def test_refuses_a_weak_sha1_signature(started, idp_keys):
    item = builder.assertion(started.shape)
    item.insert(1, etree.Element(q("ds", "Signature"), Id="placeholder", nsmap={"ds": NS["ds"]}))
    signer = _Sha1Signer(signature_algorithm="rsa-sha1", digest_algorithm="sha1", c14n_algorithm=saml.EXC_C14N)
    signer.namespaces = {"ds": NS["ds"]}
    weak = signer.sign(item, key=idp_keys[0].encode(), cert=idp_keys[1], reference_uri=item.get("ID"))
    assert_refused(started.post(etree.tostring(builder.response(started.shape, weak))), "saml_signature_invalid")


# -- refused: signature wrapping (XSW)


def _signed_assertion(started, keys):
    return builder.signed(builder.assertion(started.shape), keys)


def _evil(started):
    shape = copy.copy(started.shape)
    shape.name_id, shape.assertion_id = "grace.hopper@example.com", saml.new_id()
    return builder.assertion(shape)


def test_xsw_the_signed_assertion_hidden_in_extensions_and_an_evil_one_read(started, idp_keys):
    root = builder.response(started.shape, _evil(started))
    extensions = etree.Element(q("samlp", "Extensions"))
    extensions.append(_signed_assertion(started, idp_keys))
    root.insert(1, extensions)
    assert_refused(started.post(etree.tostring(root)), "saml_assertion_count")


def test_xsw_the_evil_assertion_carries_the_signed_one_inside_its_signature(started, idp_keys):
    good = _signed_assertion(started, idp_keys)
    evil = _evil(started)
    signature = copy.deepcopy(good.find("ds:Signature", NS))
    obj = etree.SubElement(signature, q("ds", "Object"))
    obj.append(good)
    evil.insert(1, signature)
    assert_refused(started.post(etree.tostring(builder.response(started.shape, evil))))


def test_xsw_the_evil_assertion_takes_the_signed_ones_id_and_signature(started, idp_keys):
    good = _signed_assertion(started, idp_keys)
    evil = _evil(started)
    evil.set("ID", good.get("ID"))
    evil.insert(1, copy.deepcopy(good.find("ds:Signature", NS)))
    root = builder.response(started.shape, evil)
    extensions = etree.Element(q("samlp", "Extensions"))
    extensions.append(good)
    root.insert(1, extensions)
    assert_refused(started.post(etree.tostring(root)), "saml_duplicate_id")


def test_xsw_a_signed_response_wrapped_in_an_evil_one(started, idp_keys):
    genuine = builder.signed(builder.response(started.shape, builder.assertion(started.shape)), idp_keys)
    evil = builder.response(started.shape, _evil(started))
    evil.insert(1, copy.deepcopy(genuine.find("ds:Signature", NS)))
    extensions = etree.Element(q("samlp", "Extensions"))
    extensions.append(genuine)
    evil.insert(2, extensions)
    assert_refused(started.post(etree.tostring(evil)))


def test_xsw_only_the_signed_response_moved_so_its_signature_covers_another_element(started, idp_keys):
    """The evil response has one (unsigned) assertion and the response's signature, which references an ID
    that is no longer the root's: the signature must cover the element it sits in."""
    genuine = builder.signed(builder.response(started.shape), idp_keys)
    evil = builder.response(started.shape, _evil(started))
    evil.insert(1, copy.deepcopy(genuine.find("ds:Signature", NS)))
    assert_refused(started.post(etree.tostring(evil)), "saml_signature_invalid")


def test_a_comment_inside_the_name_id_is_refused_not_truncated(started, idp_keys):
    """Comments are not covered by the signature (exc-c14n): inserted after signing, the signature still holds."""
    started.shape.name_id = "ada.lovelace@example.com.evil.test"
    xml = builder.good(started.shape, idp_keys).replace(b"example.com.evil", b"example.com<!---->.evil")
    assert_refused(started.post(xml), "saml_comment_in_value")


# -- refused: what the response says


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"audience": "https://another-sp.example/"}, "saml_audience_mismatch"),
        ({"recipient": "https://gateway.example/acme/saml/other/acs/"}, "saml_recipient_mismatch"),
        ({"destination": "https://gateway.example/acme/saml/other/acs/"}, "saml_destination_mismatch"),
        ({"issuer": "https://evil.example/saml"}, "saml_issuer_mismatch"),
        ({"assertion_issuer": "https://evil.example/saml"}, "saml_issuer_mismatch"),
        ({"not_on_or_after": dt.timedelta(minutes=-5), "not_before": dt.timedelta(minutes=-10)}, "saml_expired"),
        ({"not_before": dt.timedelta(minutes=5), "not_on_or_after": dt.timedelta(minutes=10)}, "saml_not_yet_valid"),
        ({"status": "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"}, "saml_status_AuthnFailed"),
        ({"name_id_format": saml.NAMEID_TRANSIENT}, "saml_nameid_transient"),
    ],
)
def test_refuses_a_response_that_says_the_wrong_thing(started, idp_keys, change, reason):
    for name, value in change.items():
        setattr(started.shape, name, value)
    assert_refused(started.post(builder.good(started.shape, idp_keys, sign="both")), reason, status=403)


def test_refuses_an_unknown_in_response_to(started, idp_keys):
    started.shape.request_id = saml.new_id()
    page = started.post(builder.good(started.shape, idp_keys), relay_state="")
    assert_refused(page, status=400)
    assert not LoginEvent.objects.exists()  # not an attempt of this browser: no row


def test_refuses_a_response_to_a_request_another_browser_started(saml_idp, idp_keys):
    victim, attacker = start_sign_in(saml_idp), start_sign_in(saml_idp)
    page = attacker.post(builder.good(victim.shape, idp_keys), relay_state=victim.request_id)
    assert_refused(page, status=400)


def test_refuses_a_response_answering_a_request_other_than_the_one_in_its_assertion(started, saml_idp, idp_keys):
    other = start_sign_in(saml_idp, started.client)
    root = etree.fromstring(builder.good(started.shape, idp_keys))
    root.set("InResponseTo", other.request_id)
    assert_refused(started.post(etree.tostring(root), relay_state=other.request_id), "saml_unknown_request")


def test_refuses_an_unsolicited_response_by_default(started, idp_keys):
    started.shape.request_id = None
    page = started.post(builder.good(started.shape, idp_keys), relay_state="")
    assert_refused(page, status=403)


def test_accepts_an_unsolicited_response_only_when_the_provider_allows_it(started, saml_idp, idp_keys):
    saml_idp.allow_idp_initiated = True
    saml_idp.save()
    started.shape.request_id = None
    page = started.post(builder.good(started.shape, idp_keys), relay_state="https://evil.example/")
    assert page.status_code == 302 and page["Location"] == "/acme/"  # RelayState kept inside the tenant


def test_refuses_a_replayed_response_even_with_the_cookie_replayed(started, idp_keys):
    xml = builder.good(started.shape, idp_keys)
    cookie = f"gwsaml_{started.request_id}"
    value = started.client.cookies[cookie].value
    assert_signed_in(started.post(xml), started)
    started.client.cookies[cookie] = value
    Customer.objects.all().delete()
    started.client.session.flush()
    assert_refused(started.post(xml), "saml_replayed")


def test_refuses_two_assertions(started, idp_keys):
    first = _signed_assertion(started, idp_keys)
    started.shape.assertion_id = saml.new_id()
    second = _signed_assertion(started, idp_keys)
    assert_refused(started.post(etree.tostring(builder.response(started.shape, first, second))), "saml_assertion_count")


def test_refuses_an_encrypted_assertion(started):
    root = builder.response(started.shape)
    etree.SubElement(root, q("saml", "EncryptedAssertion"))
    assert_refused(started.post(etree.tostring(root)), "saml_encrypted_unsupported")


# -- refused: the message itself (before any request is known: a page, no row)


@pytest.mark.parametrize(
    ("posted", "status"),
    [
        (b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>', 400),
        (b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>', 400),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:1/">]><r>&x;</r>', 400),
        (b"<samlp:Response " + b"x" * (300 * 1024), 400),
        (b"<not-xml", 400),
    ],
    ids=["entity-expansion", "external-dtd", "xxe", "oversize", "not-xml"],
)
def test_refuses_dtds_entities_oversize_and_malformed_xml(started, posted, status):
    assert_refused(started.post(posted), status=status)
    assert not LoginEvent.objects.exists()


def test_refuses_what_is_not_base64(started):
    assert_refused(started.post("this is * not base64 !"), status=400)


def test_refuses_an_empty_post(started):
    assert_refused(started.client.post(started.acs_path, {}), status=400)


def test_a_get_of_the_acs_is_refused(started):
    assert started.client.get(started.acs_path).status_code == 405


def test_the_cookie_of_the_request_is_used_up_whatever_the_outcome(started, other_keys):
    page = started.post(builder.good(started.shape, other_keys))
    assert page.cookies[f"gwsaml_{started.request_id}"]["max-age"] == 0


def test_a_cross_site_post_without_the_cookie_is_posted_again_from_our_origin(started, idp_keys):
    """A browser that keeps the SameSite=Lax cookie from the provider's cross-site POST gets a page that posts the
    same fields again from the gateway's origin (same-site, so the cookie comes), once."""
    fields = {"SAMLResponse": saml.encode_post(builder.good(started.shape, idp_keys)), "RelayState": started.request_id}
    cross_site = Client()  # no cookies: what a cross-site POST carries
    page = cross_site.post(started.acs_path, fields)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="gw-saml-continue"' in html and 'name="gw_resubmitted"' in html
    assert f'value="{fields["SAMLResponse"]}"' in html and "<script nonce=" in html
    assert not Customer.objects.exists()
    assert_refused(cross_site.post(started.acs_path, {**fields, "gw_resubmitted": "1"}), status=400)  # once only
    assert_signed_in(started.client.post(started.acs_path, {**fields, "gw_resubmitted": "1"}), started)


def test_while_the_shared_cache_is_down_a_first_use_is_not_taken_for_a_replay(started, idp_keys, monkeypatch, caplog):
    """The replay cache fails open (logged): the request's cookie, used up by the ACS, still stops a second use."""
    from providers.saml import replay

    monkeypatch.setattr(replay.cache, "add", lambda *args, **kwargs: False)  # what a cache that is down answers
    monkeypatch.setattr(replay.cache, "get", lambda *args, **kwargs: None)
    assert_signed_in(started.post(builder.good(started.shape, idp_keys)), started)
    assert "replay cache unavailable" in caplog.text


def test_mangled_responses_never_make_a_server_error(saml_idp, idp_keys, settings):
    """Random damage to a good response (bytes changed, cut short, runs dropped): always a page below 500, and
    whoever it signs in is the one the provider signed for (damage outside the signed parts may be harmless)."""
    settings.GATEWAY_RATE_SIGNIN_PER_IP = settings.GATEWAY_RATE_SIGNIN_PER_TENANT = ""  # 300 requests from one IP
    rng = random.Random(13)
    for _ in range(150):
        started = start_sign_in(saml_idp)
        good = builder.good(started.shape, idp_keys, sign="both")
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(damaged))
            action = rng.choice(["flip", "cut", "drop"])
            if action == "flip":
                damaged[position] = rng.choice(b"<>&\"'=/ax\x00\xff")
            elif action == "cut":
                del damaged[position:]
                break
            else:
                del damaged[position : position + rng.randint(1, 40)]
        page = started.post(bytes(damaged))
        assert page.status_code < 500, bytes(damaged)[:300]
        if page.status_code == 302:
            assert set(Customer.objects.values_list("subject", flat=True)) == {"ada.lovelace@example.com"}
