"""The tenant's portal mode: on the Atlassian portal only, substitute links and the help center lead to the
tenant's Jira portal; with both, the hosted portal stays as it is."""

import pytest
from django.test import Client

from tenants.models import Tenant
from tests.factories import JiraConnectionFactory, ServiceDeskFactory
from tests.native.conftest import native

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tenant):
    JiraConnectionFactory(tenant=tenant, site_url="https://acme.atlassian.net")
    ServiceDeskFactory(
        tenant=tenant, jira_id="5", portal_url="https://acme.atlassian.net/servicedesk/customer/portal/5"
    )
    ServiceDeskFactory(tenant=tenant, jira_id="6", portal_url="")
    return "https://acme.atlassian.net"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/acme/", "/servicedesk/customer/portals"),
        ("/acme/portal/5/", "/servicedesk/customer/portal/5"),
        ("/acme/portal/6/", "/servicedesk/customer/portal/6"),
        ("/acme/requests/", "/servicedesk/customer/user/requests"),
        ("/acme/requests/IT-1/", "/servicedesk/customer/user/requests"),
        # JSM's own link shapes (its emails, the host changed to the gateway's) lead to the same page on Jira.
        ("/acme/servicedesk/customer/portal/5/IT-7", "/servicedesk/customer/portal/5/IT-7"),
        ("/acme/servicedesk/customer/portal/5/create/12", "/servicedesk/customer/portal/5/create/12"),
        ("/acme/servicedesk/customer/user/requests?status=open", "/servicedesk/customer/user/requests?status=open"),
        ("/acme/servicedesk/customer/user/approvals", "/servicedesk/customer/user/approvals"),
    ],
)
def test_on_the_atlassian_portal_links_lead_to_the_jira_portal(tenant, site, path, target):
    native(tenant)
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"] == site + target


def test_an_unknown_desk_on_the_atlassian_portal_leads_to_the_help_center(tenant, site):
    native(tenant)
    assert Client().get("/acme/portal/99/")["Location"] == site + "/servicedesk/customer/portals"


def test_the_account_page_stays_at_the_gateway(tenant, site, factory_idp_discovered):
    from tests.factories import IdentityProviderFactory

    IdentityProviderFactory(tenant=tenant, slug="sso")
    native(tenant)
    response = Client().get("/acme/account/")
    assert response.status_code == 302 and response["Location"].startswith("https://idp.example/")


def test_with_both_the_hosted_portal_stays(tenant, site):
    native(tenant, mode=Tenant.PortalMode.BOTH)
    response = Client().get("/acme/")
    assert response.status_code == 200 and b"Acme Support" in response.content


def test_the_atlassian_portal_without_a_jira_connection_is_a_clear_404(tenant):
    native(tenant)
    response = Client().get("/acme/")
    assert response.status_code == 404 and b"reference" in response.content and b"moved to Jira" in response.content
