"""A service desk's admin page names the request type fields the hosted portal cannot show (issue 15, item 1)."""

import pytest

from fakes.jsm.fields import EVERY_FIELD, MORE_FIELDS
from tenants.models import JiraConnection
from tests.portal.jsm_portal import portal_site

pytestmark = pytest.mark.django_db


def test_the_desk_page_lists_each_unsupported_field_and_what_it_means(tenant, fake_jsm, operator_client):
    site = portal_site(tenant, fake_jsm)
    asset = [f for f in MORE_FIELDS if f["fieldId"] == "customfield_10024"]
    summary = [dict(f) for f in EVERY_FIELD if f["fieldId"] == "summary"]
    fake_jsm.state.add_request_type(desk_id=site.desk.jira_id, name="Borrow a device", fields=summary + asset)
    required = [dict(asset[0], required=True, name="Asset to repair")]
    fake_jsm.state.add_request_type(desk_id=site.desk.jira_id, name="Repair", fields=summary + required)
    url = f"/admin/tenants/servicedesk/{site.desk.pk}/change/"
    html = operator_client.get(url).content.decode()
    assert "Hosted portal: fields its create form cannot show" in html
    assert "Borrow a device: <strong>Asset</strong>, optional: left out of the form" in html
    assert "Repair: <strong>Asset to repair</strong>, required: customers cannot raise this request type" in html


def test_without_a_jira_connection_the_page_says_so_instead_of_failing(tenant, fake_jsm, operator_client):
    site = portal_site(tenant, fake_jsm)
    JiraConnection.objects.filter(tenant=tenant).delete()
    response = operator_client.get(f"/admin/tenants/servicedesk/{site.desk.pk}/change/")
    assert response.status_code == 200 and "Could not read the request types from Jira" in response.content.decode()
