"""What the demo shows a newcomer: the admin login, the demo tenant's substitute links, what to click.

Printed by bin/run (demo/banner.py) and shown on the gateway's home page (portal/templates/home.html).
"""

from dataclasses import dataclass, field

from demo.customers import DEMO_CUSTOMERS, DemoCustomer
from demo.jira import SERVICE_EMAIL
from demo.services import CLIENT_ID, OPERATOR_USERNAME, TENANT_SLUG, idp_client_secret, jira_token, operator_password
from tenants.links import absolute
from tenants.models import JiraConnection, ServiceDesk, Tenant

LOOPBACK = {"127.0.0.1", "::1"}


@dataclass(frozen=True)
class DemoOverview:
    admin_url: str
    username: str
    password: str
    tenant: Tenant | None
    links: list[tuple[str, str]] = field(default_factory=list)
    customers: tuple[DemoCustomer, ...] = DEMO_CUSTOMERS
    tenant_url: str = ""
    #: What a tenant of your own needs to use the demo's Jira site and identity provider (secrets: local only).
    jira_url: str = ""
    jira_email: str = SERVICE_EMAIL
    jira_token: str = ""
    idp_discovery_url: str = ""
    idp_client_id: str = CLIENT_ID
    idp_client_secret: str = ""


def demo_overview(*, request=None) -> DemoOverview:
    """The demo's facts; the operator's password only for a browser on this machine."""
    local = request is None or request.META.get("REMOTE_ADDR") in LOOPBACK
    tenant = Tenant.objects.filter(slug=TENANT_SLUG).first()
    desks = ServiceDesk.objects.filter(tenant=tenant, is_active=True).select_related("tenant") if tenant else []
    connection = JiraConnection.objects.filter(tenant=tenant).first() if tenant else None
    return DemoOverview(
        admin_url=absolute("/admin/"),
        username=OPERATOR_USERNAME,
        password=operator_password() if local else "",
        tenant=tenant,
        links=[(desk.project_name or desk.project_key, absolute(desk.get_absolute_url())) for desk in desks],
        tenant_url=absolute(tenant.get_absolute_url()) if tenant else "",
        jira_url=connection.site_url if connection else "",
        jira_token=jira_token() if local else "",
        idp_discovery_url=absolute("/demo-idp/.well-known/openid-configuration"),
        idp_client_secret=idp_client_secret() if local else "",
    )
