"""Shared set-up of the portal tests: a tenant connected to the fake JSM, one desk with request types
of every field type, and signed-in customers provisioned in the fake the way sign-in does it.
"""

from dataclasses import dataclass

from portal.provisioning import customer_provision
from tenants.models import ServiceDesk
from tests.factories import CustomerFactory, IdentityProviderFactory
from tests.fakes.jsm.fixtures import connect
from tests.portal.conftest import signed_in

OPTIONS = [{"value": "10100", "label": "Laptop"}, {"value": "10101", "label": "Phone"}]
FLAVOURS = [{"value": "20", "label": "Red"}, {"value": "21", "label": "Green"}, {"value": "22", "label": "Blue"}]


def schema(kind, *, items=None, system=None, custom=None):
    found = {"type": kind}
    if items:
        found["items"] = items
    if system:
        found["system"] = system
    if custom:
        found["custom"] = f"com.atlassian.jira.plugin.system.customfieldtypes:{custom}"
    return found


def field(field_id, name, jira_schema, *, required=False, valid=None):
    return {
        "fieldId": field_id,
        "name": name,
        "required": required,
        "description": f"{name} help",
        "jiraSchema": jira_schema,
        "validValues": valid or [],
        "defaultValues": [],
        "visible": True,
    }


#: One field of every kind the portal supports (issue 5, point 3), named as JSM names them.
EVERY_FIELD = [
    field("summary", "Summary", schema("string", system="summary"), required=True),
    field("description", "Description", schema("string", system="description")),
    field("customfield_10001", "Device", schema("option", custom="select"), required=True, valid=OPTIONS),
    field("customfield_10002", "Colours", schema("array", items="option", custom="multiselect"), valid=FLAVOURS),
    field("customfield_10003", "Urgency", schema("option", custom="radiobuttons"), valid=FLAVOURS),
    field("customfield_10004", "Affected", schema("array", items="option", custom="multicheckboxes"), valid=OPTIONS),
    field("customfield_10005", "Quantity", schema("number", custom="float")),
    field("customfield_10006", "Needed by", schema("date", custom="datepicker")),
    field("customfield_10007", "Meeting", schema("datetime", custom="datetime")),
    field("customfield_10008", "Link", schema("string", custom="url")),
    field("labels", "Labels", schema("array", items="string", system="labels")),
    field("customfield_10009", "Asset tag", schema("string", custom="textfield")),
    field("attachment", "Attachment", schema("array", items="attachment", system="attachment")),
]


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
