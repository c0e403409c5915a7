"""Sharing a request ("Share with (email)") as a customer trying to learn who has an account would use it:
only customers the desk's sharing setting allows are found, every refusal reads the same, and attempts are
rate-limited per customer."""

import re

import pytest

from tenants.models import ServiceDesk
from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"
REFUSED = "This request was not shared."


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _share(client, item, email):
    """The POST's answer and the message the page it redirects to shows."""
    response = client.post(f"/acme/requests/{item.key}/participants/", {"email": email})
    page = client.get(response["Location"]).content.decode()
    shown = re.search(r'<div class="messages" role="status">(.*?)</div>', page, re.DOTALL)
    return (response.status_code, response["Location"], response.content), shown.group(1) if shown else ""


def _other_desk_customer(site, email):
    state = site.fake.state
    with state.lock:
        other = state.add_service_desk(name="Payroll", key="PAY")
        user = state.add_user(email=email, display_name="Payroll Customer")
        state.desk_customers[other["id"]].add(user["accountId"])
    return user


def test_every_refusal_is_byte_identical_whatever_the_address_belongs_to(site):
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace)
    item.participants.append(alan.jira_account_id)
    with site.fake.state.lock:
        site.fake.state.add_user(email="agent@acme.example", display_name="Agent Smith", account_type="atlassian")
    _other_desk_customer(site, "payroll@example.com")
    emails = [
        "agent@acme.example",  # an agent: the administrator's user search finds every account
        "nobody@example.com",  # no account at all
        "payroll@example.com",  # a customer of another desk
        "grace@example.com",  # themselves
        "alan@example.com",  # already a participant
    ]
    site.fake.reset_log()
    answers = [_share(client, item, email) for email in emails]
    assert all(answer == answers[0] for answer in answers), answers
    assert REFUSED in answers[0][1] and "example" not in answers[0][1]
    assert site.fake.state.requests[item.key].participants == [alan.jira_account_id]
    assert site.fake.calls("GET", "/rest/api/3/user/search") == []


def test_sharing_with_another_customer_of_the_same_desk_works(site):
    grace, client = customer_at(site)
    alan, alan_client = customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace)
    _, message = _share(client, item, "Alan@Example.com")
    assert "Alan Turing can now see and follow this request." in message
    assert site.fake.state.requests[item.key].participants == [alan.jira_account_id]
    assert alan_client.get(f"/acme/requests/{item.key}/").status_code == 200


def test_a_member_of_an_organization_on_the_desk_counts_as_its_customer(site):
    grace, client = customer_at(site)
    state = site.fake.state
    with state.lock:
        member = state.add_user(email="member@partner.example", display_name="Partner Member")
        org = state.add_organization("Partners")
        org["users"].add(member["accountId"])
        state.desk_organizations[site.desk.jira_id].add(org["id"])
    item = raise_request(site, grace)
    _, message = _share(client, item, "member@partner.example")
    assert "Partner Member can now see" in message and item.participants == [member["accountId"]]


def test_organization_sharing_admits_members_of_the_customers_own_organizations_only(site):
    site.desk.sharing = ServiceDesk.Sharing.ORGANIZATION
    site.desk.save()
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    bob, _ = customer_at(site, email="bob@example.com", name="Bob Other")
    state = site.fake.state
    with state.lock:
        ours, theirs = state.add_organization("Ours"), state.add_organization("Theirs")
        ours["users"].update({grace.jira_account_id, alan.jira_account_id})
        theirs["users"].add(bob.jira_account_id)
        state.desk_organizations[site.desk.jira_id].update({ours["id"], theirs["id"]})
    item = raise_request(site, grace)
    refused = _share(client, item, "bob@example.com")  # a customer of this desk, in another organization
    assert REFUSED in refused[1] and item.participants == []
    _, message = _share(client, item, "alan@example.com")
    assert "Alan Turing can now see" in message and item.participants == [alan.jira_account_id]


def test_sharing_switched_off_hides_the_form_and_refuses_a_forged_post(site):
    site.desk.sharing = ServiceDesk.Sharing.OFF
    site.desk.save()
    grace, client = customer_at(site)
    customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace)
    assert "Share with (email)" not in client.get(f"/acme/requests/{item.key}/").content.decode()
    assert REFUSED in _share(client, item, "alan@example.com")[1] and item.participants == []


def test_the_attempt_over_the_rate_is_refused_like_the_others_without_asking_jira(site, settings, monkeypatch):
    settings.GATEWAY_RATE_SHARE_PER_CUSTOMER = "3/m"
    now = [1_900_000_020.0]
    monkeypatch.setattr("providers.oidc.limits.clock", lambda: now[0])
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace)
    first = [_share(client, item, f"guess{n}@example.com") for n in range(3)]
    site.fake.reset_log()
    limited = _share(client, item, "alan@example.com")  # a real customer of the desk, but the 4th attempt
    assert limited == first[0] and item.participants == []
    assert site.fake.calls("POST", f"{JSM}/request/{item.key}/participant") == []
    assert not [e for e in site.fake.log if "/customer" in e.path or "/organization" in e.path]
    now[0] += 60  # the next window
    _, message = _share(client, item, "alan@example.com")
    assert "Alan Turing can now see" in message and item.participants == [alan.jira_account_id]


def test_a_rate_setting_that_cannot_be_read_falls_back_to_the_default_not_a_500(site, settings):
    settings.GATEWAY_RATE_SHARE_PER_CUSTOMER = "lots"
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    item = raise_request(site, grace)
    answer, message = _share(client, item, "alan@example.com")
    assert answer[0] == 302 and "Alan Turing can now see" in message
