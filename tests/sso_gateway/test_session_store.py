"""The session engine used with Redis (sso_gateway/session_store.py): cached_db without the lookup per new key."""

import pytest
from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sso_gateway import session_store
from sso_gateway.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_one_insert_and_no_lookup():
    store = SessionStore()
    store["gw.customer.1"] = {"id": 1}
    with CaptureQueriesContext(connection) as queries:
        store.save()
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert "SELECT" not in statements and statements.count("INSERT") == 1
    assert SessionStore(session_key=store.session_key)["gw.customer.1"] == {"id": 1}


def test_a_key_drawn_twice_is_refused_by_the_insert_and_drawn_again(monkeypatch):
    first = SessionStore()
    first["n"] = 1
    first.save()
    draws = iter([first.session_key, "x" * 32])
    monkeypatch.setattr(session_store, "get_random_string", lambda length, chars: next(draws))
    with pytest.raises(CreateError):
        SessionStore(session_key=first.session_key).save(must_create=True)
    second = SessionStore()
    second["n"] = 2
    second.save()  # create() draws the taken key, its INSERT fails, it draws again
    assert second.session_key == "x" * 32
    assert SessionStore(session_key=first.session_key)["n"] == 1
    assert Session.objects.count() == 2
