"""The help center and a desk's portal page: request types in JSM's groups,
cached metadata, access rules with a page that says whom to ask, the tenant's look."""

import re

import pytest

from tenants.models import OrganizationRule, ServiceDesk
from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def test_the_portal_page_shows_request_types_in_jsms_groups_with_descriptions(site):
    _, client = customer_at(site)
    html = client.get(f"/acme/portal/{site.desk.jira_id}/").content.decode()
    hardware, general = html.index(">Hardware</h2>"), html.index(">General</h2>")
    assert hardware < html.index("Request hardware") < general < html.index("Ask a question")
    assert "Request hardware requests" in html  # the description JSM gives
    assert f'href="/acme/portal/{site.desk.jira_id}/create/{site.hardware["id"]}/"' in html


def test_request_types_and_fields_are_cached_per_tenant_and_desk(site, settings):
    settings.GATEWAY_JIRA_METADATA_TTL = 60
    _, client = customer_at(site)
    desk_url = f"/acme/portal/{site.desk.jira_id}/"
    create_url = f"{desk_url}create/{site.hardware['id']}/"
    client.get(desk_url), client.get(create_url)
    site.fake.reset_log()
    for _ in range(3):
        assert client.get(desk_url).status_code == 200 and client.get(create_url).status_code == 200
    assert site.fake.log == []  # warm: no Jira call at all (provisioning is remembered too)
    _, other_client = customer_at(site, email="alan@example.com", name="Alan Turing")
    site.fake.reset_log()
    other_client.get(desk_url), other_client.get(create_url)
    assert [e.path for e in site.fake.log if "requesttype" in e.path] == []  # shared between customers


def test_with_a_ttl_of_zero_every_page_asks_jira_again(site, settings):
    settings.GATEWAY_JIRA_METADATA_TTL = 0
    _, client = customer_at(site)
    client.get(f"/acme/portal/{site.desk.jira_id}/")
    site.fake.reset_log()
    client.get(f"/acme/portal/{site.desk.jira_id}/")
    assert len(site.fake.calls("GET", f"{JSM}/servicedesk/{site.desk.jira_id}/requesttype")) == 1


def test_the_help_center_lists_the_desks_the_customer_may_use(site):
    ServiceDesk.objects.create(tenant=site.tenant, jira_id="77", project_key="HR", project_name="HR Desk")
    ServiceDesk.objects.create(
        tenant=site.tenant, jira_id="78", project_key="VIP", project_name="VIP Desk", access="restricted",
        allowed_groups=["vip"],
    )  # fmt: skip
    ServiceDesk.objects.create(tenant=site.tenant, jira_id="79", project_key="OLD", project_name="Old", is_active=False)
    _, client = customer_at(site)
    html = client.get("/acme/").content.decode()
    assert "IT Help" in html and "HR Desk" in html and "VIP Desk" not in html and "Old" not in html
    _, vip = customer_at(site, email="vip@example.com", groups=["vip"])
    assert "VIP Desk" in vip.get("/acme/").content.decode()


def test_a_restricted_desk_refuses_others_with_a_page_that_says_whom_to_ask(site):
    site.desk.access, site.desk.allowed_groups = "restricted", ["engineering"]
    site.desk.save()
    customer, client = customer_at(site, provision=False)
    site.fake.reset_log()
    for url in (
        f"/acme/portal/{site.desk.jira_id}/",
        f"/acme/portal/{site.desk.jira_id}/create/{site.question['id']}/",
    ):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 403 and "You do not have access to this portal" in html
        assert "Ask the Acme Support help desk team" in html and 'class="reference"' in html
    assert site.fake.calls("POST", f"{JSM}/servicedesk/{site.desk.jira_id}/customer") == []  # not provisioned
    customer.groups = ["engineering"]
    customer.save()
    assert client.get(f"/acme/portal/{site.desk.jira_id}/").status_code == 200


def test_jsm_organizations_open_a_restricted_desk(site):
    site.desk.access, site.desk.allowed_organizations = "restricted", ["Partners"]
    site.desk.save()
    partner, partner_client = customer_at(site, email="pat@partner.example", provision=False)
    assert partner_client.get(f"/acme/portal/{site.desk.jira_id}/").status_code == 403
    # An organization rule that will put the customer into "Partners" at provisioning lets them in first.
    OrganizationRule.objects.create(tenant=site.tenant, value="partner.example", organization_name="partners")
    assert partner_client.get(f"/acme/portal/{site.desk.jira_id}/").status_code == 200
    # Membership made in Jira by an agent counts too (GET /organization?accountId=).
    other, other_client = customer_at(site, email="bo@other.example")
    with site.fake.state.lock:
        org = site.fake.state.add_organization("Partners")
        org["users"].add(other.jira_account_id)
    assert other_client.get(f"/acme/portal/{site.desk.jira_id}/").status_code == 200


def test_the_pages_carry_the_tenants_name_logo_and_colour_and_a_skip_link(site):
    site.tenant.logo_url, site.tenant.brand_color = "https://cdn.example/logo.png", "#aa3300"
    site.tenant.save()
    _, client = customer_at(site)
    for url in ("/acme/", f"/acme/portal/{site.desk.jira_id}/", "/acme/requests/"):
        html = client.get(url).content.decode()
        assert "Acme Support" in html and 'src="https://cdn.example/logo.png"' in html
        assert "--accent: #aa3300" in html and 'href="#main"' in html and '<main id="main"' in html


def test_the_create_form_labels_every_control(site):
    _, client = customer_at(site)
    html = client.get(f"/acme/portal/{site.desk.jira_id}/create/{site.hardware['id']}/").content.decode()

    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="(id_[^"]+)"', html)
    assert ids
    wrapped = set(re.findall(r'<label class="option"><input[^>]*\bid="(id_[^"]+)"', html))
    assert len(wrapped) == 5  # three radios, two checkboxes: each inside its own label, grouped by a legend
    for control_id in set(ids) - wrapped:
        assert f'<label for="{control_id}">' in html, control_id
    assert html.count("<legend>") == 2


def test_request_type_icons_are_served_through_the_gateway_cached_and_png_only(site):
    with site.fake.state.lock:
        typed = site.fake.state.add_request_type(desk_id=site.desk.jira_id, name="With icon", icon="#0b5cad")
    _, client = customer_at(site)
    html = client.get(f"/acme/portal/{site.desk.jira_id}/").content.decode()
    icon_id = typed["icon"]["id"]
    url = f"/acme/portal/{site.desk.jira_id}/icons/{icon_id}.png"
    assert f'<img class="icon" src="{url}" alt=""' in html and html.count('class="badge"') == 2
    site.fake.reset_log()
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "image/png" and first.content.startswith(b"\x89PNG")
    assert second.content == first.content and len(site.fake.log) == 1  # cached
    assert client.get(f"/acme/portal/{site.desk.jira_id}/icons/99999.png").status_code == 404  # not this desk's
    from django.test import Client

    assert Client().get(url).status_code == 404  # no proxy for anonymous visitors
    with site.fake.state.lock:
        other = site.fake.state.add_request_type(desk_id=site.desk.jira_id, name="SVG icon", icon="#000000")
        site.fake.state.icons[other["icon"]["id"]] = b"<svg onload=alert(1)></svg>"
    from django.core.cache import cache

    cache.clear()
    assert client.get(f"/acme/portal/{site.desk.jira_id}/icons/{other['icon']['id']}.png").status_code == 404
