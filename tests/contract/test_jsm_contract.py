"""Acceptance: the fake JSM's responses and the client's requests follow ../shared/specs/*.json.

A realistic scenario (Verify, sync, provisioning with organization rules and the already-exists
race, the portal's request types, requests and comments, and documented errors) runs against the
fake; every recorded exchange is then validated against Atlassian's OpenAPI documents.
"""

import pytest

from fakes.jsm.app import Exchange
from fakes.jsm.fields import EVERY_FIELD
from portal.services import customer_provision
from tenants import services
from tenants.jira import errors
from tenants.jira.client import JiraClient
from tenants.models import OrganizationRule
from tests.contract.openapi import problems
from tests.factories import CustomerFactory, IdentityProviderFactory


def _scenario(tenant, jira, fake):
    fake.state.add_service_desks(7)
    services.jira_connection_verify(connection=jira)
    services.service_desks_sync(tenant=tenant)
    desk = tenant.service_desks.get(jira_id="1")
    OrganizationRule.objects.create(tenant=tenant, value="example.com", organization_name="Example")
    OrganizationRule.objects.create(
        tenant=tenant, kind="idp_group", value="vip", organization_name="VIP", remove_when_unmatched=True
    )
    customer = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant), email="ann@example.com", groups=["vip"])
    assert customer_provision(customer=customer, service_desk=desk).ready
    fake.before("/rest/servicedeskapi/customer", lambda state, _: state.add_user(email="bo@example.org"), method="POST")
    racer = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant), email="bo@example.org")
    assert customer_provision(customer=racer, service_desk=desk).ready
    customer.groups = []
    customer.save()
    assert customer_provision(customer=customer, service_desk=desk).ready  # leaves "VIP"
    _portal_calls(fake, services.jira_client(connection=jira), customer.jira_account_id)


def _portal_calls(fake, client: JiraClient, account_id: str):
    request_type = fake.state.add_request_type(desk_id="1", name="Get help")
    assert list(client.request_type_groups("1")) and list(client.request_types("1"))
    assert client.request_type_fields("1", request_type["id"])
    created = client.request_create(
        service_desk_id="1",
        request_type_id=request_type["id"],
        field_values={"summary": "Help"},
        on_behalf_of=account_id,
    )
    client.comment_create(created.issue_key, body="Thanks", public=True)
    assert list(client.comments(created.issue_key)) and list(client.requests(service_desk_id="1"))
    assert client.customer_request(created.issue_key).issue_key == created.issue_key
    _portal_issue5_calls(fake, client, account_id, request_type)
    _customer_view_calls(fake, client, account_id)
    _request_lifecycle_calls(fake, client, account_id)
    assert list(client.service_desk_customers("1")) and client.service_desk("1").id == "1"
    with pytest.raises(errors.JiraNotFound):
        client.service_desk("999")
    bad = JiraClient(base_url=fake.url, email=client.email, api_token="not-the-token")
    with pytest.raises(errors.JiraBadCredentials):
        list(bad.service_desks())


def _portal_issue5_calls(fake, client: JiraClient, account_id: str, request_type: dict):
    """Every call the hosted portal added: uploads, attachments, participants, transitions, JQL."""
    assert [o.name for o in client.organizations_of(account_id)] == ["Example"]
    [temp] = client.attach_temporary_file("1", filename="log.txt", content=b"boom", content_type="text/plain")
    with_files = [dict(f) for f in EVERY_FIELD if f["fieldId"] in ("summary", "attachment")]
    request_type = fake.state.add_request_type(desk_id="1", name="With files", fields=with_files)
    created = client.request_create(
        service_desk_id="1",
        request_type_id=request_type["id"],
        field_values={"summary": "With a file", "attachment": [temp.id]},
        on_behalf_of=account_id,
    )
    full = client.customer_request_full(created.issue_key)
    assert full.reporter_account_id == account_id and [a.filename for a in full.attachments] == ["log.txt"]
    assert "addComment" in full.actions and full.participants_complete
    [listed] = client.request_attachments(created.issue_key)
    assert client.request_attachment_content(created.issue_key, listed.id)[0] == b"boom"
    other = fake.state.add_user(email="pat@example.com")
    client.request_participants_add(created.issue_key, [other["accountId"]])
    assert [u.account_id for u in client.request_participants(created.issue_key)] == [other["accountId"]]
    [cancel] = client.customer_transitions(created.issue_key)
    client.customer_transition(created.issue_key, transition_id=cancel.id, comment="Not needed")
    jql = f'project in ("DE0") AND (reporter = "{account_id}" OR "Request participants" = "{account_id}")'
    page = client.search_jql(jql + " ORDER BY updated DESC", fields=["summary", "status", "updated"], page_size=1)
    assert len(page.issues) == 1 and page.next_page_token
    assert client.search_jql(jql, fields=["summary"], page_token=page.next_page_token).issues
    with pytest.raises(errors.JiraRequestRejected):
        client.search_jql("order by key", fields=["summary"])
    every = fake.state.add_request_type(desk_id="1", name="Every field", fields=[dict(f) for f in EVERY_FIELD])
    assert len(client.request_type_fields("1", every["id"])) == len(EVERY_FIELD)
    with_icon = fake.state.add_request_type(desk_id="1", name="Iconic", icon="#123456")
    assert list(client.request_types("1"))[-1].icon_id == with_icon["icon"]["id"]
    assert client.request_type_icon(with_icon["icon"]["id"])[0].startswith(b"\x89PNG")


def _customer_view_calls(fake, client: JiraClient, account_id: str):
    """What narrows the portal to a customer's view: sharing look-ups, files per comment, restricted types."""
    assert [u.account_id for u in client.service_desk_customers("1", query="ann@")] == [account_id]
    org = fake.state.add_organization("On the desk")
    org["users"].add(account_id)
    fake.state.desk_organizations["1"].add(org["id"])
    assert [o.name for o in client.service_desk_organizations("1")] == ["On the desk"]
    assert [u.account_id for u in client.organization_users(org["id"])] == [account_id]
    secret = fake.state.add_request_type(desk_id="1", name="Board only", restricted=True, group=None)
    listed = {t.id: t for t in client.request_types("1")}
    assert listed[secret["id"]].restricted and listed[secret["id"]].group_ids == ()
    [temp] = client.attach_temporary_file("1", filename="a.txt", content=b"a", content_type="text/plain")
    key = client.request_create(
        service_desk_id="1", request_type_id=secret["id"], field_values={"summary": "Files"}, on_behalf_of=account_id
    ).issue_key
    client.request_attach(key, temporary_ids=[temp.id])
    [comment] = client.comments(key)
    assert comment.public and [a.filename for a in comment.attachments] == ["a.txt"]
    assert [a.filename for a in client.comment_attachments(key, comment.id)] == ["a.txt"]


def _request_lifecycle_calls(fake, client: JiraClient, account_id: str):
    """Issue 15: approvals, status history, participants at creation and removed, files with a comment, every
    field kind in the create call, organizations' and approvers' requests found by JQL."""
    from fakes.jsm.fields import MORE_FIELDS

    fields = [dict(f) for f in EVERY_FIELD if f["fieldId"] in ("summary", "attachment")]
    fields += [dict(f) for f in MORE_FIELDS[:4]]
    kind = fake.state.add_request_type(desk_id="1", name="Lifecycle", fields=fields)
    other = fake.state.add_user(email="lee@example.com", private=True)["accountId"]  # emailAddress: null
    org = fake.state.add_organization("Lifecycle org")
    [temp] = client.attach_temporary_file("1", filename="a.png", content=b"\x89PNG", content_type="image/png")
    values = {
        "summary": "Everything",
        "attachment": [temp.id],
        "customfield_10020": {"id": "300", "child": {"id": "301"}},
        "customfield_10021": [int(org["id"])],
        "customfield_10022": {"accountId": other},
        "customfield_10023": {"id": "400"},
    }
    created = client.request_create(
        service_desk_id="1", request_type_id=kind["id"], field_values=values, on_behalf_of=account_id,
        participants=[other],
    )  # fmt: skip
    key = created.issue_key
    fake.state.add_approval(key=key, approvers=[other])
    fake.state.set_status(key, "In progress", "INDETERMINATE")
    [approval] = client.request_approvals(key)
    assert approval.final_decision == "pending" and approval.approver_ids == (other,)
    assert [u.email for u in client.request_participants(key)] == [""]  # a private profile's email is null
    assert [c.status for c in client.request_status_history(key)] == ["In progress", "Waiting for support"]
    client.request_participants_remove(key, [other])
    assert list(client.request_participants(key)) == []
    [temp] = client.attach_temporary_file("1", filename="b.txt", content=b"b", content_type="text/plain")
    client.request_attach(key, temporary_ids=[temp.id], comment="With a file")
    jql = (
        f'project in ("DE0") AND (Organizations in ("Lifecycle org") OR approval = pendingBy("{other}") '
        f'OR approval = approver("{other}")) AND "Request Type" = "Lifecycle" AND issuekey = "{key}"'
    )
    assert [i.key for i in client.search_jql(jql, fields=["summary"]).issues] == [key]


def test_every_exchange_of_the_scenario_follows_the_openapi_documents(tenant, jira, fake_jsm):
    fake_jsm.state.max_limit = 3  # several pages of desks, silently capped
    _scenario(tenant, jira, fake_jsm)
    exchanges = [e for e in fake_jsm.log if e.path.startswith("/rest/")]
    covered = {(e.method, e.path) for e in exchanges}
    assert any(method == "DELETE" and path.endswith("/user") for method, path in covered)
    assert len(covered) >= 28, covered
    assert {e.status for e in exchanges} >= {200, 201, 204, 400, 401, 404, 409}
    found = [problem for exchange in exchanges for problem in problems(exchange)]
    assert found == []


def test_the_scoped_prefix_serves_the_same_documented_shapes(tenant, fake_jsm):
    from tests.fixtures.jsm import connect

    jira = connect(tenant, fake_jsm, scoped=True)
    fake_jsm.state.add_service_desks(2)
    services.jira_connection_verify(connection=jira)
    scoped = [e for e in fake_jsm.log if e.scoped]
    assert scoped and [p for e in scoped for p in problems(e)] == []


@pytest.mark.parametrize(
    "exchange",
    [
        Exchange("GET", "/rest/servicedeskapi/servicedesk", {}, {}, None, 200, {}, {"values": "not a list"}),
        Exchange("GET", "/rest/servicedeskapi/servicedesk", {}, {}, None, 200, {}, {"values": [{"id": 1}]}),
        Exchange("POST", "/rest/servicedeskapi/customer", {}, {"Content-Type": "application/json"}, {"mail": "x"}, 201),
        Exchange("GET", "/rest/api/3/myself", {}, {}, None, 200, {}, {"accountId": 5, "nickname": "x"}),
    ],
    ids=["values-not-a-list", "desk-id-not-a-string", "unknown-request-field", "user-wrong-types"],
)
def test_the_validator_catches_what_does_not_follow_the_documents(exchange):
    assert problems(exchange)


def test_the_knowledge_base_search_follows_the_openapi_document(tenant, jira, fake_jsm):
    """GET knowledgebase/article and servicedesk/{id}/knowledgebase/article: the client's query (query,
    highlight, start, limit) and the fake's ArticleDTO pages (title, excerpt, source, content), and a site
    without a knowledge base's 403 in the documented error shape."""
    fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    fake_jsm.state.add_article(title="Printer jams", excerpt="Open tray 2 and pull the paper out.", desk_ids=("1",))
    client = services.jira_client(connection=jira)
    across = client.knowledge_base_articles("password")
    assert [a.title for a in across] == ["Reset your @@@hl@@@password@@@endhl@@@"]
    assert across[0].page_id and across[0].space_key == "KB" and across[0].iframe_url.startswith("http")
    assert [a.title for a in client.knowledge_base_articles("tray", service_desk_id="1")] == ["Printer jams"]
    assert client.knowledge_base_articles("nothing like this", service_desk_id="1") == []
    fake_jsm.state.knowledge_base = None
    with pytest.raises(errors.JiraNotAdministrator):  # 403: the documented refusal
        client.knowledge_base_articles("password", service_desk_id="1")
    exchanges = [e for e in fake_jsm.log if "knowledgebase" in e.path]
    assert {e.status for e in exchanges} == {200, 403} and len(exchanges) == 4
    assert [p for e in exchanges for p in problems(e)] == []


def test_a_wrong_article_shape_is_caught():
    bad = {"values": [{"title": "x", "source": {"type": "sharepoint"}, "url": "http://x"}], "size": 1}
    assert problems(
        Exchange(
            "GET",
            "/rest/servicedeskapi/knowledgebase/article",
            {"query": "x", "highlight": "true"},
            {},
            None,
            200,
            {},
            bad,
        )
    )
