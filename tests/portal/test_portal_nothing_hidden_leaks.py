"""Issue 15's acceptance: no page shows what a customer may not see. One site holds an internal comment, an
internal file (on an internal note and on the issue itself), another organization's request and a request awaiting
someone else's approval; every page and filter a customer can open is read and none of them shows any of it."""

import pytest

from fakes.jsm.state import solid_png
from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db

SECRETS = ("AGENTS-ONLY-NOTE", "internal-plan.png", "agent-upload.pdf", "Evil Inc payroll", "Boss-only budget")


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def test_no_page_or_filter_shows_internal_comments_internal_files_or_other_organizations_requests(site):
    grace, client = customer_at(site, email="grace@acme.example", name="Grace Hopper")
    mallory, _ = customer_at(site, email="mallory@evil.example", name="Mallory")
    alan, _ = customer_at(site, email="alan@acme.example", name="Alan Turing")
    state = site.fake.state
    agent = next(iter(state.accounts.values())).account_id
    mine = raise_request(site, grace, summary="Printer on fire")
    theirs = raise_request(site, mallory, summary="Evil Inc payroll")
    approval_elsewhere = raise_request(site, mallory, summary="Boss-only budget")
    with state.lock:
        state.add_organization("Acme Corp")["users"].add(grace.jira_account_id)
        evil = state.add_organization("Evil Inc")
        evil["users"].add(mallory.jira_account_id)
        theirs.organizations.append(evil["id"])
        state.add_approval(key=approval_elsewhere.key, approvers=[alan.jira_account_id])
        note = state.add_comment(key=mine.key, body="AGENTS-ONLY-NOTE: refund", public=False, author=agent)
        hidden = state.add_attachment(
            key=mine.key, filename="internal-plan.png", content=solid_png("#000000"), mime="image/png", author=agent,
            comment=note,
        )  # fmt: skip
        on_issue = state.add_attachment(
            key=mine.key, filename="agent-upload.pdf", content=b"%PDF", mime="application/pdf", author=agent
        )
        state.add_comment(
            key=mine.key, body="See plan", public=True, author=agent,
            html=f'<p>See <img src="{state.base_url}/secure/attachment/{hidden["id"]}/internal-plan.png"></p>',
        )  # fmt: skip

    pages = ["/acme/", f"/acme/portal/{site.desk.jira_id}/", f"/acme/requests/{mine.key}/"]
    for query in [
        "", "?state=all", "?state=closed", "?ownership=organization", "?ownership=approval&state=all",
        "?organization=Evil%20Inc", "?ownership=participant&state=all", "?q=payroll&state=all", "?q=refund&state=all",
        f"?desk={site.desk.jira_id}&type={site.question['id']}&state=all",
    ]:  # fmt: skip
        pages.append(f"/acme/requests/{query}")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, (url, secret)

    for key in (theirs.key, approval_elsewhere.key):
        assert client.get(f"/acme/requests/{key}/").status_code == 404
        email_link = f"/acme/servicedesk/customer/portal/{site.desk.jira_id}/{key}"
        assert client.get(email_link, follow=True).status_code == 404
    for file_id in (hidden["id"], on_issue["id"]):
        assert client.get(f"/acme/requests/{mine.key}/attachments/{file_id}/").status_code == 404
        assert client.get(f"/acme/requests/{mine.key}/attachments/{file_id}/preview/").status_code == 404
