"""The demo's Jira site: the fake JSM of fakes/jsm, started in-process and seeded.

Three service desks; the first has request types covering every field type the create-request form
builds from JSM's field metadata (RequestTypeFieldDTO.jiraSchema: text, paragraph, number, date,
date-time, select, radio buttons, multi-select, checkboxes, URL, labels, priority, attachment; see
portal/forms.py), and the demo customers already have a few requests and a public reply. The state
lives in memory: a restart starts from this seed again (demo.services forgets the previous site).
"""

from dataclasses import dataclass

from demo.customers import DEMO_CUSTOMERS
from fakes.jsm import FakeJSM

SERVICE_EMAIL = "gateway-demo@example.com"


@dataclass
class DemoSite:
    fake: FakeJSM
    email: str
    token: str


def _options(*labels: str, start: int = 10100) -> list[dict]:
    return [{"value": str(start + n), "label": label, "children": []} for n, label in enumerate(labels)]


def _field(field_id: str, name: str, schema: dict, *, required: bool = False, values=(), description="") -> dict:
    return {
        "fieldId": field_id,
        "name": name,
        "description": description,
        "required": required,
        "jiraSchema": schema,
        "validValues": list(values),
        "defaultValues": [],
        "visible": True,
    }


def _custom(kind: str, type_: str, *, items: str | None = None, n: int) -> dict:
    schema = {"type": type_, "custom": f"com.atlassian.jira.plugin.system.customfieldtypes:{kind}", "customId": n}
    return {**schema, "items": items} if items else schema


EVERY_FIELD_TYPE = [
    _field("summary", "Summary", {"type": "string", "system": "summary"}, required=True),
    _field("description", "Description", {"type": "string", "system": "description"}, description="What happened?"),
    _field("customfield_10050", "Laptops needed", _custom("float", "number", n=10050)),
    _field("duedate", "Needed by", {"type": "date", "system": "duedate"}),
    _field("customfield_10051", "Best time to call", _custom("datetime", "datetime", n=10051)),
    _field(
        "customfield_10052",
        "Office",
        _custom("select", "option", n=10052),
        required=True,
        values=_options("London", "Lisbon", "Remote"),
    ),  # fmt: skip
    _field(
        "customfield_10053",
        "Software",
        _custom("multicheckboxes", "array", items="option", n=10053),
        values=_options("Slack", "Figma", "VS Code", start=10200),
    ),  # fmt: skip
    _field(
        "customfield_10054",
        "Contract type",
        _custom("radiobuttons", "option", n=10054),
        values=_options("Employee", "Contractor", start=10300),
    ),  # fmt: skip
    _field("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}),
    _field(
        "priority",
        "Priority",
        {"type": "priority", "system": "priority"},
        values=[
            {"value": str(n), "label": label, "children": []}
            for n, label in enumerate(["Highest", "High", "Medium", "Low"], start=1)
        ],
    ),  # fmt: skip
    _field(
        "customfield_10055",
        "Accessories",
        _custom("multiselect", "array", items="option", n=10055),
        values=_options("Dock", "Second screen", "Headset", start=10400),
    ),  # fmt: skip
    _field("customfield_10056", "Link to the spec", _custom("url", "string", n=10056)),
    _field("customfield_10057", "Anything else", _custom("textarea", "string", n=10057)),
    _field("attachment", "Attachment", {"type": "array", "items": "attachment", "system": "attachment"}),
]


def demo_site_start(*, token: str, port: int = 0, ports: tuple[int, ...] = ()) -> DemoSite:
    """Start the fake Jira site on 127.0.0.1 with the demo's seed: on `port` (0: the first free one of `ports`,
    e.g. last run's, else any free port), its service account signing in with `token`."""
    fake = _start(port=port, ports=ports)
    fake.add_account(email=SERVICE_EMAIL, token=token)
    with fake.state.lock:
        _seed(fake.state)
    return DemoSite(fake=fake, email=SERVICE_EMAIL, token=token)


def _start(*, port: int, ports: tuple[int, ...]) -> FakeJSM:
    if port:
        return FakeJSM.start(port=port)
    for candidate in ports:
        try:
            return FakeJSM.start(port=candidate)
        except OSError:  # taken meanwhile: any free port then (hand-connected tenants follow, demo.services)
            continue
    return FakeJSM.start(port=0)


def _seed(state) -> None:
    it = state.add_service_desk(name="IT Help", key="IT")
    hr = state.add_service_desk(name="HR Questions", key="HR")
    facilities = state.add_service_desk(name="Facilities", key="FAC")
    new_laptop = state.add_request_type(desk_id=it["id"], name="New laptop", fields=EVERY_FIELD_TYPE, group="Hardware")
    broken = state.add_request_type(desk_id=it["id"], name="Something is broken", group="Support")
    state.add_request_type(desk_id=hr["id"], name="Ask HR a question")
    state.add_request_type(desk_id=hr["id"], name="Update my details")
    state.add_request_type(desk_id=facilities["id"], name="Book a meeting room")
    support = state.add_user(email="support@example.com", display_name="Sam from Support", account_type="atlassian")
    ada, grace = (_customer(state, c, desks=[it, hr]) for c in DEMO_CUSTOMERS[:2])
    _request(state, it, broken, ada, summary="VPN drops every hour", description="Since Monday.")
    _request(state, it, new_laptop, ada, summary="Laptop for our new analyst", customfield_10052={"id": "10100"})
    printer = _request(state, it, broken, grace, summary="Printer on floor 2 jams")
    state.add_comment(key=printer.key, body="A technician is on the way.", public=True, author=support["accountId"])
    state.add_comment(key=printer.key, body="Internal: tray 3 is cracked.", public=False, author=support["accountId"])


def _customer(state, customer, *, desks) -> dict:
    user = state.add_user(email=customer.email, display_name=customer.name)
    for desk in desks:
        state.desk_customers[desk["id"]].add(user["accountId"])
    return user


def _request(state, desk, request_type, reporter, **values):
    return state.add_request(
        desk_id=desk["id"], request_type_id=request_type["id"], reporter=reporter["accountId"], values=values
    )
