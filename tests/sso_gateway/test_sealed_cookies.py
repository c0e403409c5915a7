"""The sealed pending-state cookie: unreadable, unchangeable, short-lived, bound to its key, few per browser."""

import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from unittest import mock

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from sso_gateway.sealed_cookies import MAX_AGE, MAX_PENDING, Refusal, Refusals, SealedCookies


class Refused(Exception):
    def __init__(self, message, *, reason):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Ticket:
    tenant_id: int
    secret: str = "the verifier"
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))


# Each refusal's message is its reason code and a full stop, so each assertion names both.
REFUSALS = Refusals(
    Refused, **{which: Refusal(f"{which}.", which) for which in Refusals.__dataclass_fields__ if which != "error"}
)
COOKIES = SealedCookies(Ticket, "tk_", "tests.sealed", REFUSALS)


def request_with(cookies):
    request = RequestFactory().get("/acme/x/")
    request.COOKIES.update(cookies)
    return request


def refusal_of(call):
    with pytest.raises(Refused) as caught:
        call()
    return str(caught.value), caught.value.reason


def test_a_sealed_value_round_trips_and_hides_its_content():
    ticket = Ticket(tenant_id=7)
    sealed = COOKIES.seal(ticket)
    assert "the verifier" not in sealed and ticket.key not in sealed
    assert COOKIES.unseal(sealed) == ticket
    assert COOKIES.load(request_with({"tk_" + ticket.key: sealed}), ticket.key) == ticket


def test_a_tampered_cookie_is_altered_or_expired_never_opened():
    sealed = COOKIES.seal(Ticket(tenant_id=7))
    flipped = sealed[:30] + ("A" if sealed[30] != "A" else "B") + sealed[31:]
    assert refusal_of(lambda: COOKIES.unseal(flipped)) == ("expired.", "expired")  # Fernet's HMAC
    assert refusal_of(lambda: COOKIES.unseal("not base64 at all \u00e9")) == ("expired.", "expired")


def test_a_fernet_valid_cookie_with_a_bad_signature_is_altered():
    fernet = COOKIES._fernet()
    unsigned = fernet.encrypt(b"not-a-django-signed-value").decode()
    assert refusal_of(lambda: COOKIES.unseal(unsigned)) == ("altered.", "altered")
    other_salt = signing.dumps(asdict(Ticket(tenant_id=7)), salt="another.salt", compress=True)
    wrong_salt = fernet.encrypt(other_salt.encode()).decode()
    assert refusal_of(lambda: COOKIES.unseal(wrong_salt)) == ("altered.", "altered")


def test_a_cookie_of_another_shape_is_altered():
    @dataclass(frozen=True)
    class Other:
        unexpected: int = 1

    sealed = SealedCookies(Other, "tk_", "tests.sealed", REFUSALS).seal(Other())
    assert refusal_of(lambda: COOKIES.unseal(sealed)) == ("altered.", "altered")


def test_a_cookie_older_than_max_age_is_expired():
    ticket = Ticket(tenant_id=7)
    sealed = COOKIES.seal(ticket)
    later = time.time() + MAX_AGE + 5
    with mock.patch("cryptography.fernet.time.time", return_value=later):
        assert refusal_of(lambda: COOKIES.unseal(sealed)) == ("expired.", "expired")
    with mock.patch("cryptography.fernet.time.time", return_value=time.time() + MAX_AGE - 30):
        assert COOKIES.unseal(sealed) == ticket


def test_a_cookie_sealed_under_another_secret_key_is_refused(settings):
    sealed = COOKIES.seal(Ticket(tenant_id=7))
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert refusal_of(lambda: COOKIES.unseal(sealed))[1] == "expired"


def test_load_refuses_a_bad_key_a_missing_cookie_and_another_keys_cookie():
    ticket, other = Ticket(tenant_id=7), Ticket(tenant_id=7)
    for bad in ("", None, "short", "x" * 100, "spaces are not allowed here!!"):
        assert refusal_of(lambda bad=bad: COOKIES.load(request_with({}), bad)) == ("malformed.", "malformed")
    assert refusal_of(lambda: COOKIES.load(request_with({}), ticket.key)) == ("unknown.", "unknown")
    swapped = request_with({"tk_" + other.key: COOKIES.seal(ticket)})
    assert refusal_of(lambda: COOKIES.load(swapped, other.key)) == ("mismatch.", "mismatch")
    mine = request_with({"tk_" + ticket.key: COOKIES.seal(ticket)})
    refused = refusal_of(lambda: COOKIES.load(mine, ticket.key, belongs=lambda value: value.tenant_id == 8))
    assert refused == ("mismatch.", "mismatch")


def _sealed_at(ticket, when):
    with mock.patch("cryptography.fernet.time.time", return_value=when):
        return COOKIES.seal(ticket)


def test_the_oldest_cookies_beyond_max_pending_are_dropped():
    now = time.time()
    tickets = [Ticket(tenant_id=7) for _ in range(MAX_PENDING + 2)]
    # Set in the Cookie header newest first, so that dropping by order of appearance would be wrong.
    pending = {"tk_" + t.key: _sealed_at(t, now - 60 * i) for i, t in enumerate(tickets)}
    pending["tk_" + "z" * 24] = "garbage counts as the oldest"
    pending["other_cookie"] = "not ours"
    response = HttpResponse()
    new = Ticket(tenant_id=7)
    COOKIES.store(response, new, tenant_slug="acme", request=request_with(pending))
    dropped = {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}
    # Eight of ours: four go so that, with the new one, five remain; the unreadable one and the three oldest.
    assert dropped == {"tk_" + "z" * 24} | {"tk_" + t.key for t in tickets[-3:]}
    kept = {name for name in pending if name.startswith("tk_")} - dropped | {"tk_" + new.key}
    assert len(kept) == MAX_PENDING


def test_below_max_pending_nothing_is_dropped_and_the_cookie_is_set_as_configured(settings):
    settings.GATEWAY_BASE_URL = "http://gateway.test"
    response = HttpResponse()
    ticket = Ticket(tenant_id=7)
    few = {"tk_" + Ticket(tenant_id=7).key: "x" for _ in range(MAX_PENDING - 1)}
    COOKIES.store(response, ticket, tenant_slug="acme", request=request_with(few))
    assert list(response.cookies) == ["tk_" + ticket.key]
    morsel = response.cookies["tk_" + ticket.key]
    assert (morsel["path"], morsel["max-age"], morsel["samesite"]) == ("/acme/", MAX_AGE, "Lax")
    assert morsel["httponly"] is True and not morsel["secure"]
    assert COOKIES.unseal(morsel.value) == ticket


def test_samesite_may_follow_secure_and_https_makes_the_cookie_secure(settings):
    cross_site = SealedCookies(
        Ticket, "tk_", "tests.sealed", REFUSALS, samesite=lambda secure: "None" if secure else "Lax"
    )
    ticket = Ticket(tenant_id=7)
    for base, samesite, secure in (("http://gateway.test", "Lax", ""), ("https://gateway.test", "None", True)):
        settings.GATEWAY_BASE_URL = base
        response = HttpResponse()
        cross_site.store(response, ticket, tenant_slug="acme", request=request_with({}))
        morsel = response.cookies["tk_" + ticket.key]
        assert (morsel["samesite"], morsel["secure"]) == (samesite, secure)
        cross_site.forget(response := HttpResponse(), ticket.key, tenant_slug="acme")
        gone = response.cookies["tk_" + ticket.key]
        assert (gone["max-age"], gone["path"], gone["samesite"]) == (0, "/acme/", samesite)


def test_forget_ignores_a_key_that_cannot_be_ours():
    response = HttpResponse()
    COOKIES.forget(response, "bad key!", tenant_slug="acme")
    assert not response.cookies


def test_a_custom_key_field_and_pattern():
    @dataclass(frozen=True)
    class Request:
        request_id: str

    by_id = SealedCookies(
        Request, "rq_", "tests.ids", REFUSALS, key_field="request_id", key_pattern=re.compile(r"^_\d{4}$")
    )
    sealed = by_id.seal(Request("_1234"))
    assert by_id.load(request_with({"rq__1234": sealed}), "_1234") == Request("_1234")
    assert by_id.is_key("_1234") and not by_id.is_key(secrets.token_urlsafe(24))
