"""A body over the upload cap is refused with a 413 page before Django reads (and spools) it.

The cap is GATEWAY_UPLOAD_MAX_FILES files of GATEWAY_UPLOAD_MAX_BYTES plus the form fields; the attacker
sends more, either saying so (Content-Length) or not (chunked, no length), to the portal's upload form.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import ClientHandler

from sso_gateway.bodylimit import body_cap
from tests.factories import UserFactory
from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db


class Endless:
    """A request body that never ends (a chunked upload from a hostile client); counts what was read of it."""

    def __init__(self, limit=None, content=b"x"):
        self.read_bytes, self.limit, self.content = 0, limit, content

    def read(self, size=-1, /):
        if self.limit is not None:
            size = min(size if size >= 0 else self.limit, self.limit - self.read_bytes)
        elif size < 0:
            raise AssertionError("read everything of an endless body")
        block = (self.content * (size // len(self.content) + 1))[:size]
        self.read_bytes += len(block)
        return block

    def readline(self, size=-1, /):
        return self.read(size)


@pytest.fixture
def small_cap(settings):
    """One file of 1 KiB and 2 KiB of form fields: the cap is about 4 KiB."""
    settings.GATEWAY_UPLOAD_MAX_BYTES = 1024
    settings.GATEWAY_UPLOAD_MAX_FILES = 1
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    return body_cap()


@pytest.fixture
def upload_url(tenant, fake_jsm):
    site = portal_site(tenant, fake_jsm)
    _, client = customer_at(site)
    return site, client, f"/acme/portal/{site.desk.jira_id}/create/{site.hardware['id']}/"


def wsgi(environ_overrides: dict):
    """The request as gunicorn hands it over: a WSGI environ, here without CONTENT_LENGTH when chunked."""
    environ = RequestFactory()._base_environ(**environ_overrides)
    environ.pop("CONTENT_LENGTH", None)
    return ClientHandler(enforce_csrf_checks=False)(environ)


def test_the_cap_is_files_times_their_size_plus_the_form(settings):
    assert body_cap() == 5 * (10 * 1024 * 1024 + 1024) + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_too_many_bytes_of_files_are_a_413_page_and_nothing_reaches_jira(upload_url, small_cap):
    site, client, url = upload_url
    site.fake.reset_log()
    files = [SimpleUploadedFile(f"log{n}.txt", b"x" * 1000, content_type="text/plain") for n in range(5)]
    response = client.post(url, {"summary": "Big", "customfield_10001": "10100", "attachment": files})
    assert response.status_code == 413
    html = response.content.decode()
    assert "That is more than can be sent at once" in html and "Attach at most 1 file of at most 1.0" in html
    assert [call for call in site.fake.log if call.method == "POST"] == []


def test_a_declared_length_over_the_cap_is_refused_before_a_byte_is_read(upload_url, small_cap):
    _, client, url = upload_url
    body = Endless()
    response = client.generic(
        "POST", url, content_type="multipart/form-data; boundary=xyz", CONTENT_LENGTH=str(small_cap + 1),
        **{"wsgi.input": body},
    )  # fmt: skip
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_a_body_within_the_cap_still_reaches_the_form(upload_url, small_cap):
    site, client, url = upload_url
    receipt = SimpleUploadedFile("receipt.txt", b"x" * 1000, content_type="text/plain")
    response = client.post(url, {"summary": "Fits", "customfield_10001": "10100", "attachment": [receipt]})
    assert response.status_code == 302
    [created] = site.fake.state.requests.values()
    assert [a["content"] for a in created.attachments] == [b"x" * 1000]


def test_a_chunked_body_without_a_length_is_cut_off_at_the_cap(upload_url, small_cap):
    _, _, url = upload_url
    body = Endless()
    response = wsgi(
        {"REQUEST_METHOD": "POST", "PATH_INFO": url, "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": body,
         "CONTENT_TYPE": "multipart/form-data; boundary=xyz"}
    )  # fmt: skip
    assert response.status_code == 413
    assert small_cap < body.read_bytes <= small_cap + 1


def test_a_chunked_body_within_the_cap_is_read_like_any_other(small_cap):
    UserFactory(username="ops", is_staff=True, is_superuser=True, password="right-password-123")
    form = b"username=ops&password=right-password-123&next=/admin/"
    response = wsgi(
        {"REQUEST_METHOD": "POST", "PATH_INFO": "/admin/login/", "HTTP_TRANSFER_ENCODING": "chunked",
         "CONTENT_TYPE": "application/x-www-form-urlencoded", "wsgi.input": Endless(limit=len(form), content=form)}
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/admin/"
