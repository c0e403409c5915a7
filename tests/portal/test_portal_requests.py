"""My requests, the request page and its actions: ownership is checked by
the gateway (another customer's key is a 404), public comments only, few Jira calls, errors as pages."""

import pytest
from django.test import Client

from tests.helpers import signed_in
from tests.helpers.signin import sign_in_started
from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def test_my_requests_lists_what_the_customer_reported_or_participates_in_and_nothing_else(site):
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    mine = raise_request(site, grace, summary="Printer on fire")
    shared = raise_request(site, alan, summary="Shared with Grace")
    theirs = raise_request(site, alan, summary="Alan's secret")
    shared.participants.append(grace.jira_account_id)
    html = client.get("/acme/requests/").content.decode()
    assert mine.key in html and "Printer on fire" in html
    assert shared.key in html and "Shared with Grace" in html
    assert theirs.key not in html and "Alan&#x27;s secret" not in html
    assert "Waiting for support" in html and "IT Help" in html


def test_my_requests_searches_filters_open_and_closed_and_pages(site):
    grace, client = customer_at(site)
    for n in range(5):
        raise_request(site, grace, summary=f"Open thing {n}")
    done = raise_request(site, grace, summary="Finished thing")
    done.status, done.status_category = "Resolved", "DONE"
    site.fake.state.max_limit = 2
    first = client.get("/acme/requests/").content.decode()
    assert first.count("Open thing") == 2 and "Finished thing" not in first and "Next page" in first
    closed = client.get("/acme/requests/", {"state": "closed"}).content.decode()
    assert "Finished thing" in closed and "Open thing" not in closed
    found = client.get("/acme/requests/", {"q": "thing 3", "state": "all"}).content.decode()
    assert "Open thing 3" in found and "Open thing 1" not in found
    pages, url = [], "/acme/requests/"
    while url:
        html = client.get(url).content.decode()
        pages.append(html)
        url = (
            "/acme/requests/?" + html.split('href="?')[-1].split('"')[0].replace("&amp;", "&")
            if "Next page" in html
            else ""
        )
    assert len(pages) == 3 and sum(p.count("Open thing") for p in pages) == 5


def test_the_list_costs_one_jira_call_whatever_the_number_of_rows(site):
    grace, client = customer_at(site)
    for n in range(12):
        raise_request(site, grace, summary=f"Row {n}")
    client.get("/acme/requests/")  # the customer's organizations are read once, then cached like metadata
    site.fake.reset_log()
    html = client.get("/acme/requests/").content.decode()
    assert html.count("Row ") == 12
    assert [(e.method, e.path) for e in site.fake.log] == [("POST", "/rest/api/3/search/jql")]


def test_the_request_page_shows_fields_public_comments_and_attachments_never_internal_comments(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace, comments=[("We are on it", True), ("INTERNAL: customer is VIP", False)])
    with site.fake.state.lock:
        site.fake.state.add_attachment(
            key=item.key, filename="smoke.png", content=b"\x89PNG", mime="image/png", author=grace.jira_account_id
        )
    site.fake.reset_log()
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert "Printer on fire" in html and "It smokes." in html and "Waiting for support" in html
    assert "We are on it" in html and "INTERNAL" not in html and "customer is VIP" not in html
    assert "smoke.png" in html
    # the request with participants, attachments and actions; public comments; transitions; approvals; history
    assert len(site.fake.log) <= 5, [(e.method, e.path) for e in site.fake.log]
    [comments_call] = site.fake.calls("GET", f"{JSM}/request/{item.key}/comment")
    assert comments_call.query["public"] == "true" and comments_call.query["internal"] == "false"


def test_internal_comments_stay_hidden_even_if_jira_returned_them(site, monkeypatch):
    """Defence in depth: the portal filters `public` itself too."""
    grace, client = customer_at(site)
    item = raise_request(site, grace, comments=[("Agents only", False)])
    monkeypatch.setattr("tenants.jira.client.JiraClient.comments", _all_comments)
    assert "Agents only" not in client.get(f"/acme/requests/{item.key}/").content.decode()


def _all_comments(self, issue_key, *, public_only=True):
    from tenants.jira.types import Comment

    return (Comment.from_api(c) for c in self.paged(f"{JSM}/request/{issue_key}/comment"))


def test_another_customers_request_is_a_404_on_every_page_and_action(site):
    grace, _ = customer_at(site)
    _, alan_client = customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace, summary="Grace's private request")
    base = f"/acme/requests/{item.key}/"
    responses = [
        alan_client.get(base),
        alan_client.post(base + "comment/", {"body": "hi"}),
        alan_client.post(base + "participants/", {"email": "alan@example.com"}),
        alan_client.post(base + "transition/", {"transition": "761"}),
        alan_client.get(base + "attachments/1/"),
        alan_client.get("/acme/requests/NOPE-999999/"),
        alan_client.get("/acme/requests/not a key/"),
    ]
    assert [r.status_code for r in responses] == [404] * 7
    assert all(b"Grace&#x27;s private request" not in r.content for r in responses)
    assert site.fake.state.requests[item.key].comments == [] and site.fake.state.requests[item.key].participants == []


def test_a_request_at_a_desk_switched_off_is_a_404(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    site.desk.is_active = False
    site.desk.save()
    assert client.get(f"/acme/requests/{item.key}/").status_code == 404


def test_a_customer_of_another_tenant_cannot_open_this_tenants_request_by_key(
    site, other_tenant, fake_jsm_factory, factory_idp_discovered
):
    """Same desk id and project key on both Jira sites: the key is looked up on the other tenant's own site."""
    grace, _ = customer_at(site)
    item = raise_request(site, grace, summary="Acme only")
    globex = portal_site(other_tenant, fake_jsm_factory(), desk_name="Globex IT", key="ITH")
    _, intruder = customer_at(globex, email="grace@example.com", name="Grace at Globex")
    assert intruder.get(f"/globex/requests/{item.key}/").status_code == 404
    assert sign_in_started(intruder.get(f"/acme/requests/{item.key}/")).tenant_id == site.tenant.pk  # sign in first
    assert b"Acme only" not in intruder.get("/globex/requests/?state=all").content


def test_a_customer_adds_a_public_comment_shown_as_theirs(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    response = client.post(f"/acme/requests/{item.key}/comment/", {"body": "Any news?"})
    assert response.status_code == 302 and response["Location"] == f"/acme/requests/{item.key}/"
    [stored] = site.fake.state.requests[item.key].comments
    assert stored["public"] is True and stored["body"] == "*Grace Hopper* (via the help center):\n\nAny news?"
    html = client.get(response["Location"]).content.decode()
    assert "Your comment was added." in html
    comment = html.split('class="card comment by-customer"')[1].split("</article>")[0]
    assert (
        "<strong>Grace Hopper</strong>" in comment and "Any news?" in comment and "via the help center" not in comment
    )


def test_an_empty_comment_is_refused_with_a_message(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    html = client.post(f"/acme/requests/{item.key}/comment/", {"body": "  "}, follow=True).content.decode()
    assert "Write something before sending." in html and site.fake.state.requests[item.key].comments == []


def test_a_customer_shares_a_request_with_another_customer_who_can_then_open_it(site):
    grace, client = customer_at(site)
    alan, alan_client = customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace)
    assert alan_client.get(f"/acme/requests/{item.key}/").status_code == 404
    html = client.post(f"/acme/requests/{item.key}/participants/", {"email": "ALAN@example.com"}, follow=True)
    assert "Alan Turing can now see and follow this request." in html.content.decode()
    assert site.fake.state.requests[item.key].participants == [alan.jira_account_id]
    assert alan_client.get(f"/acme/requests/{item.key}/").status_code == 200
    unknown = client.post(f"/acme/requests/{item.key}/participants/", {"email": "nobody@example.com"}, follow=True)
    assert "This request was not shared." in unknown.content.decode()  # the one answer to every refusal
    assert "nobody@example.com" not in unknown.content.decode()


def test_a_customer_takes_the_transitions_jsm_offers_them(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    page = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert 'name="transition" value="761"' in page and "Cancel request" in page
    done = client.post(f"/acme/requests/{item.key}/transition/", {"transition": "761", "comment": "Fixed itself"})
    assert done.status_code == 302 and site.fake.state.requests[item.key].status == "Canceled"
    html = client.get(done["Location"]).content.decode()
    assert (
        "You chose “Cancel request”. The request’s status is updated below." in html
        and "Reopen request" in html
        and "Fixed itself" in html
    )
    stale = client.post(f"/acme/requests/{item.key}/transition/", {"transition": "761"}, follow=True)
    assert "no longer available" in stale.content.decode()


def test_an_attachment_downloads_through_the_gateway_only_for_its_customer(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    with site.fake.state.lock:
        file = site.fake.state.add_attachment(
            key=item.key,
            filename="report.html",
            content=b"<script>x</script>",
            mime="text/html",
            author=grace.jira_account_id,
        )
    response = client.get(f"/acme/requests/{item.key}/attachments/{file['id']}/")
    assert response.status_code == 200 and response.content == b"<script>x</script>"
    assert response["Content-Type"] == "application/octet-stream" and response["Content-Disposition"].startswith(
        "attachment"
    )
    assert client.get(f"/acme/requests/{item.key}/attachments/99999/").status_code == 404


def test_forms_on_the_request_page_are_csrf_protected(site):
    grace, _ = customer_at(site)
    item = raise_request(site, grace)
    strict = signed_in(grace, Client(enforce_csrf_checks=True))
    html = strict.get(f"/acme/requests/{item.key}/").content.decode()
    assert html.count("csrfmiddlewaretoken") == 5  # comment, files, transition, share, and the header's sign-out
    for action in ("comment", "participants", "transition", "files", "participants/remove"):
        assert strict.post(f"/acme/requests/{item.key}/{action}/", {"body": "x"}).status_code == 403
    assert site.fake.state.requests[item.key].comments == []


@pytest.mark.parametrize("status", [503, 429])
def test_jira_down_or_rate_limiting_is_the_error_page_with_a_reference_never_a_500(site, status, jira_sleeps):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    site.fake.fail("/rest/", status, retry_after=1)
    for url in ("/acme/requests/", f"/acme/requests/{item.key}/", f"/acme/portal/{site.desk.jira_id}/create/1/"):
        response = client.get(url)
        assert response.status_code == 503, url
        html = response.content.decode()
        assert "The help desk is not answering right now" in html and 'class="reference"' in html
    post = client.post(f"/acme/requests/{item.key}/comment/", {"body": "kept?"})
    assert post.status_code == 503


def test_the_pages_need_sign_in(site, factory_idp_discovered):
    customer_at(site)
    for url in ("/acme/requests/", "/acme/requests/ITH-1/"):
        assert sign_in_started(Client().get(url)).next_path == url


def test_jira_down_while_commenting_keeps_the_comment_to_send_again(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    site.fake.fail(f"{JSM}/request/{item.key}/comment", 503, method="POST")
    response = client.post(f"/acme/requests/{item.key}/comment/", {"body": "Do not lose me"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "your comment was not sent" in html
    assert (
        '<textarea id="comment-body" name="body" rows="4" required maxlength="32767">Do not lose me</textarea>' in html
    )
    assert "Do not lose me</textarea>" not in client.get(f"/acme/requests/{item.key}/").content.decode()  # used once
