"""The request page as in JSM (issue 15, item 2): participants (list, add, remove), status history, approvals
(read-only, with why), files per comment, files added later with a comment, image previews; Jira's refusals
shown with its own message and the draft kept; nothing a customer may not see."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fakes.jsm.state import solid_png
from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _page(client, item):
    return client.get(f"/acme/requests/{item.key}/").content.decode()


def test_the_reporter_sees_and_removes_participants_and_a_participant_may_only_leave(site):
    grace, client = customer_at(site)
    alan, alan_client = customer_at(site, email="alan@example.com", name="Alan Turing")
    ada, ada_client = customer_at(site, email="ada@example.com", name="Ada Lovelace")
    item = raise_request(site, grace)
    item.participants += [alan.jira_account_id, ada.jira_account_id]
    html = _page(client, item)
    assert "Shared with" in html and "Alan Turing" in html and "Ada Lovelace" in html
    assert 'Remove<span class="visually-hidden"> Alan Turing</span>' in html
    refused = alan_client.post(f"/acme/requests/{item.key}/participants/remove/", {"account": ada.jira_account_id})
    assert refused.status_code == 302 and ada.jira_account_id in item.participants
    assert "Only the person who raised the request" in alan_client.get(refused["Location"]).content.decode()
    removed = client.post(f"/acme/requests/{item.key}/participants/remove/", {"account": alan.jira_account_id})
    assert removed["Location"] == f"/acme/requests/{item.key}/" and item.participants == [ada.jira_account_id]
    assert "Alan Turing will no longer see this request." in client.get(removed["Location"]).content.decode()
    assert alan_client.get(f"/acme/requests/{item.key}/").status_code == 404
    left = ada_client.post(f"/acme/requests/{item.key}/participants/remove/", {"account": ada.jira_account_id})
    assert left["Location"] == "/acme/requests/" and item.participants == []


def test_removing_is_offered_only_when_jsm_allows_it(site):
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace)
    item.participants.append(alan.jira_account_id)
    site.fake.state.remove_participant_allowed = False
    assert "Remove<span" not in _page(client, item)
    client.post(f"/acme/requests/{item.key}/participants/remove/", {"account": alan.jira_account_id})
    assert item.participants == [alan.jira_account_id]


def test_approvals_are_shown_read_only_with_why(site):
    grace, client = customer_at(site)
    boss, boss_client = customer_at(site, email="boss@example.com", name="The Boss")
    cfo, _ = customer_at(site, email="cfo@example.com", name="Chief Finance")
    item = raise_request(site, grace)
    first = site.fake.state.add_approval(key=item.key, approvers=[boss.jira_account_id], name="Manager approval")
    site.fake.state.add_approval(key=item.key, approvers=[cfo.jira_account_id], name="Finance approval")
    site.fake.state.decide_approval(first, account_id=boss.jira_account_id, decision="approved")
    html = _page(boss_client, item)  # the approver reads it too
    assert "Manager approval" in html and "Approved" in html and "The Boss: approved" in html
    assert (
        "Finance approval" in html and "Waiting for approval" in html and "Chief Finance: has not decided yet" in html
    )
    assert "Jira accepts a decision only from the approver's own account" in html
    assert "/approval/" not in html and 'name="decision"' not in html


def test_the_status_history_lists_every_status_oldest_first(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    site.fake.state.set_status(item.key, "In progress", "INDETERMINATE")
    site.fake.state.set_status(item.key, "Resolved", "DONE")
    html = _page(client, item)
    history = html[html.index('id="history"') :]
    assert history.index("Waiting for support") < history.index("In progress") < history.index("Resolved")


def test_files_added_later_with_a_comment_go_in_one_call_and_show_under_that_comment(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    upload = SimpleUploadedFile("screen.png", solid_png("#ff0000"), content_type="image/png")
    response = client.post(f"/acme/requests/{item.key}/files/", {"files": [upload], "body": "Here is the screen"})
    assert response.status_code == 302
    [attach] = site.fake.calls("POST", f"{JSM}/request/{item.key}/attachment")
    assert attach.body["public"] is True
    assert attach.body["additionalComment"] == {"body": "*Grace Hopper* (via the help center):\n\nHere is the screen"}
    html = client.get(response["Location"]).content.decode()
    assert "Your comment and files were added." in html and "Here is the screen" in html
    assert "[^screen.png]" not in html  # JSM's file reference line: the file is listed under the comment instead
    comment = html[html.index("Here is the screen") :]
    assert "screen.png" in comment[: comment.index("</article>")]
    [stored] = item.attachments
    preview = client.get(f"/acme/requests/{item.key}/attachments/{stored['id']}/preview/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    assert preview.content.startswith(b"\x89PNG") and "sandbox" in preview["Content-Security-Policy"]


def test_jiras_refusal_of_files_shows_its_message_and_keeps_the_comment(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    site.fake.fail(f"{JSM}/request/{item.key}/attachment", 400, times=1, method="POST")
    upload = SimpleUploadedFile("notes.txt", b"notes", content_type="text/plain")
    response = client.post(f"/acme/requests/{item.key}/files/", {"files": [upload], "body": "Keep me"})
    html = client.get(response["Location"]).content.decode()
    assert "The help desk did not accept the files:" in html
    assert ">Keep me</textarea>" in html
    assert item.attachments == [] and item.comments == []


def test_no_preview_for_what_is_not_an_image_or_not_the_customers_to_see(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    agent = next(iter(site.fake.state.accounts.values())).account_id
    with site.fake.state.lock:
        text = site.fake.state.add_attachment(
            key=item.key, filename="fake.png", content=b"<svg onload=alert(1)>", mime="image/png",
            author=grace.jira_account_id,
        )  # fmt: skip
        internal = site.fake.state.add_comment(key=item.key, body="internal", public=False, author=agent)
        hidden = site.fake.state.add_attachment(
            key=item.key, filename="secret.png", content=solid_png("#000000"), mime="image/png", author=agent,
            comment=internal,
        )  # fmt: skip
    assert client.get(f"/acme/requests/{item.key}/attachments/{text['id']}/preview/").status_code == 404
    assert client.get(f"/acme/requests/{item.key}/attachments/{hidden['id']}/preview/").status_code == 404
    assert "secret.png" not in _page(client, item)


def test_jira_down_while_adding_files_says_so_and_keeps_the_comment(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    site.fake.fail(f"{JSM}/servicedesk/{site.desk.jira_id}/attachTemporaryFile", 503)
    upload = SimpleUploadedFile("notes.txt", b"notes", content_type="text/plain")
    response = client.post(f"/acme/requests/{item.key}/files/", {"files": [upload], "body": "Still here"})
    html = client.get(response["Location"]).content.decode()
    assert "not answering right now; nothing was added" in html and ">Still here</textarea>" in html
    empty = client.post(f"/acme/requests/{item.key}/files/", {"body": "No file"})
    assert "Attach at least one file." in client.get(empty["Location"]).content.decode()


def test_jiras_refusal_of_a_comment_shows_its_message_and_keeps_the_draft(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    site.fake.fail(f"{JSM}/request/{item.key}/comment", 400, times=1, method="POST")
    response = client.post(f"/acme/requests/{item.key}/comment/", {"body": "My long explanation"})
    html = client.get(response["Location"]).content.decode()
    assert "The help desk did not accept the comment:" in html and ">My long explanation</textarea>" in html
    assert item.comments == []


def test_every_file_of_a_comment_shows_under_it_even_past_the_first_page(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    agent = next(iter(site.fake.state.accounts.values())).account_id
    with site.fake.state.lock:
        note = site.fake.state.add_comment(key=item.key, body="Logs attached", public=True, author=agent)
        for n in range(5):
            site.fake.state.add_attachment(
                key=item.key, filename=f"log-{n}.txt", content=b"x", mime="text/plain", author=agent, comment=note
            )
    site.fake.state.max_limit = 2
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    article = html[html.index("Logs attached") :]
    article = article[: article.index("</article>")]
    assert [f"log-{n}.txt" in article for n in range(5)] == [True] * 5
