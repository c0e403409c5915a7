"""A request's files as its customer may see them: every page of them, never an agent's file from an internal
note or one put on the issue outside a public comment, and such a file's id downloads nothing (404)."""

import pytest

from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _agent(site) -> str:
    return next(iter(site.fake.state.accounts.values())).account_id


def _file(site, item, name, *, author, comment=None):
    with site.fake.state.lock:
        return site.fake.state.add_attachment(
            key=item.key, filename=name, content=name.encode(), mime="text/plain", author=author, comment=comment
        )


def _download(client, item, file):
    return client.get(f"/acme/requests/{item.key}/attachments/{file['id']}/")


def test_every_page_of_attachments_is_listed_and_downloads(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    files = [_file(site, item, f"photo-{n}.txt", author=grace.jira_account_id) for n in range(5)]
    site.fake.state.max_limit = 2  # JSM pages silently: 2 + 2 + 1
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert all(f"photo-{n}.txt" in html for n in range(5)), html
    last = _download(client, item, files[-1])
    assert last.status_code == 200 and last.content == b"photo-4.txt"


def test_an_internal_notes_file_is_not_listed_and_its_id_is_a_404(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    with site.fake.state.lock:
        note = site.fake.state.add_comment(key=item.key, body="see the salary sheet", public=False, author=_agent(site))
        reply = site.fake.state.add_comment(key=item.key, body="Here is the fix", public=True, author=_agent(site))
    secret = _file(site, item, "salaries.xlsx", author=_agent(site), comment=note)
    loose = _file(site, item, "agent-scratch.txt", author=_agent(site))  # on the issue, in no comment
    fix = _file(site, item, "fix.txt", author=_agent(site), comment=reply)
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert "fix.txt" in html and "salaries.xlsx" not in html and "agent-scratch.txt" not in html
    assert _download(client, item, fix).content == b"fix.txt"
    for hidden in (secret, loose):
        response = _download(client, item, hidden)
        assert response.status_code == 404 and hidden["content"] not in response.content
    assert not [e for e in site.fake.log if e.path.startswith("/media/") and e.status == 200 and e.response_body in (
        b"salaries.xlsx", b"agent-scratch.txt")]  # fmt: skip


def test_a_public_comment_with_more_files_than_one_page_shows_them_all(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    with site.fake.state.lock:
        reply = site.fake.state.add_comment(key=item.key, body="Logs attached", public=True, author=_agent(site))
    for n in range(3):
        _file(site, item, f"log-{n}.txt", author=_agent(site), comment=reply)
    site.fake.state.max_limit = 2
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert all(f"log-{n}.txt" in html for n in range(3))


def test_files_a_customer_uploads_with_a_new_request_are_listed(site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, client = customer_at(site)
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4", content_type="application/pdf")
    data = {"summary": "With a receipt", "customfield_10001": "10100", "attachment": [upload]}
    created = client.post(f"/acme/portal/{site.desk.jira_id}/create/{site.hardware['id']}/", data)
    assert created.status_code == 302, created.content.decode()[:2000]
    assert "receipt.pdf" in client.get(created["Location"]).content.decode()
