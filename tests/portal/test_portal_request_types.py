"""Request types a customer may not see stay out of the portal, as in JSM's own: types in no request type
group, and types JSM restricts (`restrictionStatus`), unless an admin maps them to the customer's groups or
organizations. Opening one by its create URL is the same 404 as an unknown type."""

import pytest

from tenants.models import OrganizationRule
from tests.helpers import admin_client_for
from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _desk_page(site, client) -> str:
    return client.get(f"/acme/portal/{site.desk.jira_id}/").content.decode()


def _create(site, client, request_type):
    return client.get(f"/acme/portal/{site.desk.jira_id}/create/{request_type['id']}/")


def test_a_type_in_no_group_is_neither_listed_nor_creatable(site):
    _, client = customer_at(site)
    with site.fake.state.lock:
        hidden = site.fake.state.add_request_type(desk_id=site.desk.jira_id, name="Agents only intake", group=None)
    assert "Agents only intake" not in _desk_page(site, client)
    response = _create(site, client, hidden)
    assert response.status_code == 404 and "Agents only intake" not in response.content.decode()
    assert (
        site.fake.calls("GET", f"/rest/servicedeskapi/servicedesk/{site.desk.jira_id}/requesttype/{hidden['id']}/field")
        == []
    )


def test_a_restricted_type_nobody_is_mapped_to_is_hidden_from_every_customer(site):
    _, client = customer_at(site, groups=["vip"])
    with site.fake.state.lock:
        secret = site.fake.state.add_request_type(
            desk_id=site.desk.jira_id, name="Executive escalation", group="General", icon="#0b5cad", restricted=True
        )
    html = _desk_page(site, client)
    assert "Executive escalation" not in html and "Ask a question" in html
    assert _create(site, client, secret).status_code == 404
    icon = client.get(f"/acme/portal/{site.desk.jira_id}/icons/{secret['icon']['id']}.png")
    assert icon.status_code == 404
    page = client.post(f"/acme/portal/{site.desk.jira_id}/create/{secret['id']}/", {"summary": "Let me in"})
    assert page.status_code == 404 and site.fake.state.requests == {}


def test_a_restricted_type_is_shown_to_the_groups_and_organizations_mapped_to_it(site):
    with site.fake.state.lock:
        secret = site.fake.state.add_request_type(
            desk_id=site.desk.jira_id, name="Executive escalation", group="General", restricted=True
        )
    site.desk.request_type_access = {secret["id"]: {"groups": ["vip"], "organizations": ["Partners"]}}
    site.desk.save()
    OrganizationRule.objects.create(tenant=site.tenant, value="partner.example", organization_name="Partners")
    _, vip = customer_at(site, email="vip@example.com", groups=["vip"])
    _, partner = customer_at(site, email="pat@partner.example", name="Pat Partner")
    _, other = customer_at(site, email="other@example.com", name="Other", groups=["staff"])
    for client in (vip, partner):
        assert "Executive escalation" in _desk_page(site, client)
        assert _create(site, client, secret).status_code == 200
    assert "Executive escalation" not in _desk_page(site, other)
    assert _create(site, other, secret).status_code == 404


def test_an_admin_maps_a_type_to_groups_and_organizations_one_line_each(tenant):
    from tests.factories import ServiceDeskFactory

    desk = ServiceDeskFactory(tenant=tenant)
    client = admin_client_for(tenant)
    url = f"/admin/tenants/servicedesk/{desk.pk}/change/"
    data = {
        "tenant": desk.tenant_id,
        "jira_id": desk.jira_id,
        "project_key": desk.project_key,
        "project_name": desk.project_name,
        "is_active": "on",
        "access": "any",
        "sharing": "organization",
        "request_type_access": "12: group vip, org Partners\n\n14: org Board",
    }
    assert "Who sees which request type" in client.get(url).content.decode()
    assert client.post(url, data).status_code == 302
    desk.refresh_from_db()
    assert desk.sharing == "organization"
    assert desk.request_type_access == {
        "12": {"groups": ["vip"], "organizations": ["Partners"]},
        "14": {"groups": [], "organizations": ["Board"]},
    }
    assert "12: group vip, org Partners\n14: org Board" in client.get(url).content.decode()
    refused = client.post(url, {**data, "request_type_access": "Executive: everyone"})
    assert refused.status_code == 200 and "Line 1" in refused.content.decode()
    desk.refresh_from_db()
    assert "Executive" not in str(desk.request_type_access)
