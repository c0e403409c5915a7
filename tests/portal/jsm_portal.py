"""Shared set-up of the portal tests: a tenant connected to the fake JSM, one desk with request types
of every field type, and signed-in customers provisioned in the fake the way sign-in does it.
"""

from dataclasses import dataclass

from fakes.jsm.fields import EVERY_FIELD
from portal.services import customer_provision
from tenants.models import ServiceDesk
from tests.factories import CustomerFactory, IdentityProviderFactory
from tests.fixtures.jsm import connect
from tests.helpers import signed_in


@dataclass
class Site:
    tenant: object
    fake: object
    desk: ServiceDesk
    hardware: dict  # the request type with every field
    question: dict  # a plain one (summary + description)


def portal_site(tenant, fake, *, desk_name="IT Help", key="ITH") -> Site:
    connect(tenant, fake)
    jira_desk = fake.state.add_service_desk(name=desk_name, key=key)
    desk = ServiceDesk.objects.create(
        tenant=tenant, jira_id=jira_desk["id"], project_key=key, project_name=desk_name, project_id="1"
    )
    hardware = fake.state.add_request_type(
        desk_id=desk.jira_id, name="Request hardware", fields=[dict(f) for f in EVERY_FIELD], group="Hardware"
    )
    question = fake.state.add_request_type(desk_id=desk.jira_id, name="Ask a question", group="General")
    return Site(tenant=tenant, fake=fake, desk=desk, hardware=hardware, question=question)


def customer_at(site: Site, *, email="grace@example.com", name="Grace Hopper", groups=None, provision=True):
    """A customer of the site's tenant (own provider row per email), provisioned in the fake, and a client."""
    provider = IdentityProviderFactory(tenant=site.tenant, slug=f"sso-{email.split('@')[0]}"[:50])
    customer = CustomerFactory(provider=provider, email=email, display_name=name, groups=groups or [])
    if provision:
        assert customer_provision(customer=customer, service_desk=site.desk).ready
        customer.refresh_from_db()
    return customer, signed_in(customer)


def raise_request(site: Site, customer, *, summary="Printer on fire", comments=()):
    """A request in the fake reported by `customer` (as JSM would hold it), with optional (body, public) comments."""
    state = site.fake.state
    with state.lock:
        found = state.add_request(
            desk_id=site.desk.jira_id,
            request_type_id=site.question["id"],
            reporter=customer.jira_account_id,
            values={"summary": summary, "description": "It smokes."},
        )
        for body, public in comments:
            agent = next(iter(state.accounts.values())).account_id
            state.add_comment(key=found.key, body=body, public=public, author=agent)
    return found
