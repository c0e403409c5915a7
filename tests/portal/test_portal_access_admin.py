"""Access rules are pleasant to edit in the admin: names one per line, a clear refusal
of a restricted portal that would admit nobody, and a list column saying who may use each portal."""

import pytest

from tests.factories import ServiceDeskFactory
from tests.helpers import admin_client_for

pytestmark = pytest.mark.django_db


def _form(desk, **changes):
    data = {
        "tenant": desk.tenant_id,
        "jira_id": desk.jira_id,
        "project_key": desk.project_key,
        "project_name": desk.project_name,
        "is_active": "on",
        "access": "any",
        "allowed_groups": "",
        "allowed_organizations": "",
    }
    return {**data, **changes}


def test_groups_and_organizations_are_typed_one_per_line_and_stored_as_lists(tenant):
    desk = ServiceDeskFactory(tenant=tenant, project_name="IT Help")
    client = admin_client_for(tenant)
    url = f"/admin/tenants/servicedesk/{desk.pk}/change/"
    page = client.get(url).content.decode()
    assert "Who may use this portal" in page and 'type="radio"' in page and "One per line" in page
    data = _form(
        desk,
        access="restricted",
        allowed_groups="engineering\nsupport, engineering\n",
        allowed_organizations="Partners",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    desk.refresh_from_db()
    assert desk.access == "restricted" and desk.allowed_groups == ["engineering", "support"]
    assert desk.allowed_organizations == ["Partners"]
    assert "engineering\nsupport" in client.get(url).content.decode()
    listing = client.get("/admin/tenants/servicedesk/").content.decode()
    assert "Only group engineering, group support, org Partners" in listing


def test_a_restricted_portal_without_groups_or_organizations_is_refused(tenant):
    desk = ServiceDeskFactory(tenant=tenant)
    client = admin_client_for(tenant)
    response = client.post(f"/admin/tenants/servicedesk/{desk.pk}/change/", _form(desk, access="restricted"))
    assert response.status_code == 200 and "otherwise nobody can use it" in response.content.decode()
    desk.refresh_from_db()
    assert desk.access == "any"
