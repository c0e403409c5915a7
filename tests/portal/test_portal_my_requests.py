"""My requests as in JSM (issue 15, item 4): organizations' requests, approvals awaiting the customer, filters by
status, whose, organization, help desk and request type; a returning customer's requests before any desk was
opened; the truth on a tenant with no Jira connection; an empty list that invites to raise a request."""

import pytest

from providers.models import JiraAccountBinding
from tenants.models import JiraConnection
from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _shared_with(site, item, name):
    with site.fake.state.lock:
        org = next((o for o in site.fake.state.organizations.values() if o["name"] == name), None)
        org = org or site.fake.state.add_organization(name)
        item.organizations.append(org["id"])
    return org


def test_a_request_shared_with_an_organization_is_seen_by_a_colleague_and_by_no_one_else(site):
    alan, _ = customer_at(site, email="alan@acme.example", name="Alan Turing")
    grace, grace_client = customer_at(site, email="grace@acme.example", name="Grace Hopper")
    mallory, mallory_client = customer_at(site, email="mallory@evil.example", name="Mallory")
    item = raise_request(site, alan, summary="Office VPN is down")
    acme = _shared_with(site, item, "Acme Corp")
    acme["users"].add(grace.jira_account_id)
    site.fake.state.add_organization("Evil Inc")["users"].add(mallory.jira_account_id)
    raise_request(site, alan, summary="Alan's own thing")

    listed = grace_client.get("/acme/requests/").content.decode()
    assert "Office VPN is down" in listed and "Alan&#x27;s own thing" not in listed
    by_org = grace_client.get("/acme/requests/", {"organization": "Acme Corp"}).content.decode()
    assert "Office VPN is down" in by_org and 'value="Acme Corp" selected' in by_org
    mine_only = grace_client.get("/acme/requests/", {"ownership": "reporter"}).content.decode()
    assert "Office VPN is down" not in mine_only
    assert grace_client.get(f"/acme/requests/{item.key}/").status_code == 200

    assert "Office VPN is down" not in mallory_client.get("/acme/requests/").content.decode()
    assert mallory_client.get(f"/acme/requests/{item.key}/").status_code == 404
    forged = mallory_client.get("/acme/requests/", {"organization": "Acme Corp"}).content.decode()
    assert "Office VPN is down" not in forged  # an organization they are not in is ignored


def test_requests_awaiting_the_customers_approval_are_listed_and_leave_the_filter_once_decided(site):
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    boss, client = customer_at(site, email="boss@example.com", name="The Boss")
    item = raise_request(site, alan, summary="New laptop, please")
    approval = site.fake.state.add_approval(key=item.key, approvers=[boss.jira_account_id])
    awaiting = client.get("/acme/requests/", {"ownership": "approval"}).content.decode()
    assert "New laptop, please" in awaiting
    assert client.get(f"/acme/requests/{item.key}/").status_code == 200  # an approver may read it
    site.fake.state.decide_approval(approval, account_id=boss.jira_account_id, decision="approved")
    assert "New laptop, please" not in client.get("/acme/requests/", {"ownership": "approval"}).content.decode()
    assert "New laptop, please" in client.get("/acme/requests/").content.decode()


def test_filters_by_request_type_within_a_help_desk_and_by_status(site):
    grace, client = customer_at(site)
    question = raise_request(site, grace, summary="How do I print?")
    with site.fake.state.lock:
        hardware = site.fake.state.add_request(
            desk_id=site.desk.jira_id,
            request_type_id=site.hardware["id"],
            reporter=grace.jira_account_id,
            values={"summary": "A new mouse"},
        )
    site.fake.state.set_status(hardware.key, "Resolved", "DONE")
    desk = site.desk.jira_id
    by_type = client.get("/acme/requests/", {"desk": desk, "type": site.question["id"], "state": "all"})
    html = by_type.content.decode()
    assert question.key in html and hardware.key not in html and "Request type" in html
    closed = client.get("/acme/requests/", {"desk": desk, "type": site.hardware["id"], "state": "closed"})
    assert hardware.key in closed.content.decode() and question.key not in closed.content.decode()
    assert (
        "No requests match these filters"
        in client.get("/acme/requests/", {"desk": desk, "type": site.hardware["id"]}).content.decode()
    )


def test_a_returning_customer_sees_their_requests_right_after_sign_in_without_opening_a_desk(site):
    """They raised requests in JSM's own portal before the gateway existed: their account is found by their
    verified email (never created here), bound to this identity, and the list is there at once."""
    with site.fake.state.lock:
        jira_user = site.fake.state.add_user(email="ada@example.com", display_name="Ada Lovelace")
        site.fake.state.desk_customers[site.desk.jira_id].add(jira_user["accountId"])
    ada, client = customer_at(site, email="ada@example.com", name="Ada Lovelace", provision=False)
    ada.jira_account_id = jira_user["accountId"]
    item = raise_request(site, ada, summary="Raised in JSM last year")
    ada.jira_account_id = ""
    site.fake.reset_log()
    html = client.get("/acme/requests/").content.decode()
    assert "Raised in JSM last year" in html and item.key in html
    assert "still being set up" not in html
    assert JiraAccountBinding.objects.get(customer=ada).account_id == jira_user["accountId"]
    assert not site.fake.calls("POST", "/rest/servicedeskapi/customer")


def test_a_new_customer_is_invited_to_raise_a_request_and_no_account_is_made_by_looking(site):
    newbie, client = customer_at(site, email="new@example.com", name="New Person", provision=False)
    html = client.get("/acme/requests/").content.decode()
    assert "You have no open requests" in html and "Raise a request" in html
    assert f'href="/acme/portal/{site.desk.jira_id}/"' in html
    assert "still being set up" not in html
    assert not site.fake.calls("POST", "/rest/servicedeskapi/customer")
    assert not JiraAccountBinding.objects.filter(customer=newbie).exists()


def test_a_tenant_without_a_jira_connection_says_so(site):
    grace, client = customer_at(site)
    JiraConnection.objects.filter(tenant=site.tenant).delete()
    response = client.get("/acme/requests/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "not connected to its help desk yet" in html and "still being set up" not in html


def test_the_help_center_shows_a_returning_customers_open_requests_right_after_sign_in(site):
    with site.fake.state.lock:
        jira_user = site.fake.state.add_user(email="ada@example.com", display_name="Ada Lovelace")
    ada, client = customer_at(site, email="ada@example.com", name="Ada Lovelace", provision=False)
    ada.jira_account_id = jira_user["accountId"]
    item = raise_request(site, ada, summary="Raised in JSM last year")
    ada.jira_account_id = ""
    html = client.get("/acme/").content.decode()
    assert "Your open requests" in html and item.key in html and "Raised in JSM last year" in html


def test_the_help_center_still_shows_the_desks_when_jira_is_down(site):
    _, client = customer_at(site)
    site.fake.fail("/rest/api/3/search/jql", 503)
    response = client.get("/acme/")
    assert response.status_code == 200 and "IT Help" in response.content.decode()
    assert "Your open requests" not in response.content.decode()


def test_a_colleague_reads_and_comments_but_cannot_cancel_or_share_an_organizations_request(site):
    alan, _ = customer_at(site, email="alan@acme.example", name="Alan Turing")
    grace, client = customer_at(site, email="grace@acme.example", name="Grace Hopper")
    item = raise_request(site, alan, summary="Office VPN is down")
    _shared_with(site, item, "Acme Corp")["users"].add(grace.jira_account_id)
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert "Cancel request" not in html and 'id="participant-email"' not in html and "Add a comment" in html
    client.post(f"/acme/requests/{item.key}/transition/", {"transition": "761"})
    client.post(f"/acme/requests/{item.key}/participants/", {"email": "alan@acme.example"})
    assert item.status == "Waiting for support" and item.participants == []
    client.post(f"/acme/requests/{item.key}/comment/", {"body": "Same here"})
    assert [c["body"].split("\n\n")[-1] for c in item.comments] == ["Same here"]


def test_a_site_whose_jql_refuses_the_organization_and_approval_clauses_still_lists_the_customers_own(site):
    grace, client = customer_at(site)
    raise_request(site, grace, summary="Mine all the same")
    site.fake.fail("/rest/api/3/search/jql", 400, times=1, method="POST")
    html = client.get("/acme/requests/").content.decode()
    assert "Mine all the same" in html
    [refused, fallback] = site.fake.calls("POST", "/rest/api/3/search/jql")
    assert "approval = approver" in refused.body["jql"] and "approval" not in fallback.body["jql"]
