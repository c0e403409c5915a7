"""JSM's own portal addresses under each tenant (issue 15, item 5): the links of JSM's notification emails
lead to the hosted pages, and a request's link opened without a session ends on that request after sign-in."""

import pytest
from django.test import Client

from tests.factories import provider_at
from tests.helpers.signin import finish_sign_in, sign_in_started
from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def test_each_jsm_path_shape_redirects_to_the_hosted_page(site):
    grace, client = customer_at(site)
    desk = site.desk.jira_id
    qid = site.question["id"]
    expected = {
        "/acme/servicedesk/customer/portals": "/acme/",
        f"/acme/servicedesk/customer/portal/{desk}": f"/acme/portal/{desk}/",
        f"/acme/servicedesk/customer/portal/{desk}/ITH-7": "/acme/requests/ITH-7/",
        f"/acme/servicedesk/customer/portal/{desk}/ITH-7?sda_source=notification-email": "/acme/requests/ITH-7/",
        f"/acme/servicedesk/customer/portal/{desk}/create/{qid}": f"/acme/portal/{desk}/create/{qid}/",
        f"/acme/servicedesk/customer/portal/{desk}/group/3/create/{qid}": f"/acme/portal/{desk}/create/{qid}/",
        "/acme/servicedesk/customer/user/requests": "/acme/requests/",
        "/acme/servicedesk/customer/user/requests?status=closed&reporter=owned": (
            "/acme/requests/?state=closed&ownership=reporter"
        ),
        "/acme/servicedesk/customer/user/approvals": "/acme/requests/?ownership=approval&state=all",
    }
    for jsm_path, hosted in expected.items():
        response = Client().get(jsm_path)  # no session needed: the hosted page asks for one
        assert (response.status_code, response["Location"]) == (302, hosted), jsm_path


def test_a_portal_id_that_is_not_the_desk_id_is_found_through_its_request_types(site):
    with site.fake.state.lock:
        site.fake.state.request_types[site.desk.jira_id][0]["portalId"] = "77"
    response = Client().get("/acme/servicedesk/customer/portal/77")
    assert response["Location"] == f"/acme/portal/{site.desk.jira_id}/"


def test_an_unknown_portal_or_a_malformed_key_is_a_404_page_not_a_500(site):
    assert Client().get("/acme/servicedesk/customer/portal/999").status_code == 404
    assert Client().get("/acme/servicedesk/customer/portal/abc").status_code == 404
    assert Client().get(f"/acme/servicedesk/customer/portal/{site.desk.jira_id}/not-a-key").status_code == 404


def test_another_customers_request_through_an_email_link_is_the_same_404(site):
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    _, grace = customer_at(site)
    item = raise_request(site, alan, summary="Alan's secret")
    response = grace.get(f"/acme/servicedesk/customer/portal/{site.desk.jira_id}/{item.key}", follow=True)
    assert response.status_code == 404 and b"Alan&#x27;s secret" not in response.content


def test_a_request_link_opened_without_a_session_ends_on_the_request_after_sign_in(site, oidc_provider, settings):
    """Ada raised the request in JSM's own portal; she has never used the gateway. The email link starts a
    sign-in that comes back to her request (the account her verified email finds is bound on the way)."""
    settings.GATEWAY_BASE_URL = "http://testserver"
    provider_at(oidc_provider, tenant=site.tenant)
    with site.fake.state.lock:
        ada = site.fake.state.add_user(email="ada@example.com", display_name="Ada Lovelace")
        item = site.fake.state.add_request(
            desk_id=site.desk.jira_id,
            request_type_id=site.question["id"],
            reporter=ada["accountId"],
            values={"summary": "Raised by email last week"},
        )
    browser = Client()
    link = browser.get(f"/acme/servicedesk/customer/portal/{site.desk.jira_id}/{item.key}")
    start = browser.get(link["Location"])
    assert sign_in_started(start).next_path == f"/acme/requests/{item.key}/"
    back = finish_sign_in(browser, oidc_provider.approve(start["Location"]))
    assert back["Location"] == f"/acme/requests/{item.key}/"
    page = browser.get(back["Location"])
    assert page.status_code == 200 and b"Raised by email last week" in page.content
