"""What the demo shows a newcomer: the admin login, the demo tenant's substitute links, what to click.

Printed by bin/run (demo/banner.py) and shown on the gateway's home page (portal/templates/home.html).
"""

from dataclasses import dataclass, field

from demo.customers import DEMO_CUSTOMERS, DemoCustomer
from demo.services import OPERATOR_USERNAME, TENANT_SLUG, operator_password
from tenants.links import absolute
from tenants.models import ServiceDesk, Tenant

LOOPBACK = {"127.0.0.1", "::1"}


@dataclass(frozen=True)
class DemoOverview:
    admin_url: str
    username: str
    password: str
    tenant: Tenant | None
    links: list[tuple[str, str]] = field(default_factory=list)
    customers: tuple[DemoCustomer, ...] = DEMO_CUSTOMERS


def demo_overview(*, request=None) -> DemoOverview:
    """The demo's facts; the operator's password only for a browser on this machine."""
    local = request is None or request.META.get("REMOTE_ADDR") in LOOPBACK
    tenant = Tenant.objects.filter(slug=TENANT_SLUG).first()
    desks = ServiceDesk.objects.filter(tenant=tenant, is_active=True).select_related("tenant") if tenant else []
    return DemoOverview(
        admin_url=absolute("/admin/"),
        username=OPERATOR_USERNAME,
        password=operator_password() if local else "",
        tenant=tenant,
        links=[(desk.project_name or desk.project_key, absolute(desk.get_absolute_url())) for desk in desks],
    )
