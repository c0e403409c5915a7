"""The transaction cookie: sealed, bound to its state, short-lived, and bounded in number."""

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from providers.errors import TransactionInvalid
from providers.oidc import transaction
from providers.oidc.transaction import MAX_PENDING, PREFIX, Transaction


def request_with(cookies):
    request = RequestFactory().get("/acme/oidc/x/callback/")
    request.COOKIES.update(cookies)
    return request


def test_a_sealed_transaction_opens_only_with_its_own_state():
    tx = Transaction(tenant_id=1, provider_id=2, next_path="/acme/account/", test=True)
    sealed = transaction.seal(tx)
    assert tx.code_verifier not in sealed and tx.nonce not in sealed and "/acme/account/" not in sealed
    assert transaction.load(request_with({tx.cookie_name: sealed}), state=tx.state) == tx
    other = Transaction(tenant_id=1, provider_id=2, next_path="/acme/")
    with pytest.raises(TransactionInvalid) as caught:
        transaction.load(request_with({other.cookie_name: sealed}), state=other.state)
    assert caught.value.reason == "state_mismatch"


@pytest.mark.parametrize("state", ["", "short", "x" * 100, "bad state with spaces!!!!"])
def test_an_unusable_state_is_refused(state):
    with pytest.raises(TransactionInvalid):
        transaction.load(request_with({}), state=state)


def test_an_altered_cookie_is_refused():
    tx = Transaction(tenant_id=1, provider_id=2, next_path="/acme/")
    sealed = transaction.seal(tx)
    altered = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    with pytest.raises(TransactionInvalid):
        transaction.load(request_with({tx.cookie_name: altered}), state=tx.state)


def test_a_cookie_older_than_ten_minutes_is_refused():
    tx = Transaction(tenant_id=1, provider_id=2, next_path="/acme/")
    sealed = transaction.seal(tx)
    import time

    later = time.time() + transaction.MAX_AGE + 5
    with mock.patch("cryptography.fernet.time.time", return_value=later), pytest.raises(TransactionInvalid) as caught:
        transaction.load(request_with({tx.cookie_name: sealed}), state=tx.state)
    assert caught.value.reason == "state_expired"


def test_a_cookie_sealed_under_another_secret_key_is_refused(settings):
    tx = Transaction(tenant_id=1, provider_id=2, next_path="/acme/")
    sealed = transaction.seal(tx)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(TransactionInvalid):
        transaction.load(request_with({tx.cookie_name: sealed}), state=tx.state)


def test_pending_cookies_per_browser_are_capped():
    pending = {}
    for _ in range(MAX_PENDING + 2):
        tx = Transaction(tenant_id=1, provider_id=2, next_path="/acme/")
        pending[tx.cookie_name] = transaction.seal(tx)
    response = HttpResponse()
    new = Transaction(tenant_id=1, provider_id=2, next_path="/acme/")
    transaction.store(response, transaction=new, tenant_slug="acme", request=request_with(pending))
    dropped = [name for name, morsel in response.cookies.items() if morsel["max-age"] == 0]
    kept = (set(pending) - set(dropped)) | {new.cookie_name}
    assert len(kept) == MAX_PENDING and all(name.startswith(PREFIX) for name in kept)
