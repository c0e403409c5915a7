"""Reads for the portal's request pages: a customer's requests, one request they may see, its comments.

Ownership: the service account sees every request of the site, so the gateway
itself decides what a customer may see. A request is theirs when its reporter or one of its
participants is their Jira account, its service desk is an active desk of *this* tenant, and the
desk's access rules admit them. Anything else (another customer's key, a key of another project,
a malformed key) is the same 404, so keys cannot be probed.
"""

import re
from dataclasses import dataclass

from portal import access
from portal.errors import RequestNotFound
from providers.models import Customer
from tenants.jira.client import JiraClient
from tenants.jira.types import Comment, CustomerRequest, SearchPage
from tenants.models import ServiceDesk, Tenant

ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,30}-[1-9][0-9]{0,9}$")
PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
JQL_RESERVED = re.compile(r'[+\-&|!(){}\[\]^~*?\\:"\']')
ATTRIBUTION = re.compile(r"^\*([^*\n]{1,200})\* \(via the help center\):\n\n", re.DOTALL)
STATES = ("open", "closed", "all")


def jql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def requests_jql(*, account_id: str, desks: list[ServiceDesk], text: str = "", state: str = "open") -> str:
    """The JQL of "My requests": the customer as reporter or participant, in the desks they may use.

    Reporter and "Request participants" are how JSM records who may see a request; the project list
    bounds the query to this tenant's desks (the enhanced search refuses unbounded JQL).
    """
    keys = sorted({d.project_key for d in desks if PROJECT_KEY.match(d.project_key or "")})
    account = jql_string(account_id)
    clauses = [
        f"project in ({', '.join(jql_string(k) for k in keys)})",
        f'(reporter = {account} OR "Request participants" = {account})',
    ]
    if state == "open":
        clauses.append("statusCategory != Done")
    elif state == "closed":
        clauses.append("statusCategory = Done")
    words = " ".join(JQL_RESERVED.sub(" ", text).split())[:100]
    if words:
        clauses.append(f"text ~ {jql_string(words)}")
    return " AND ".join(clauses) + " ORDER BY updated DESC"


def customer_requests_search(
    *,
    client: JiraClient,
    customer: Customer,
    desks: list[ServiceDesk],
    text: str = "",
    state: str = "open",
    page_token: str = "",
    page_size: int = 20,
) -> SearchPage:
    """One Jira call per page (POST /rest/api/3/search/jql), never one per row."""
    if not customer.jira_account_id or not any(PROJECT_KEY.match(d.project_key or "") for d in desks):
        return SearchPage(issues=())
    jql = requests_jql(account_id=customer.jira_account_id, desks=desks, text=text, state=state)
    fields = ["summary", "status", "updated", "created", "project"]
    return client.search_jql(jql, fields=fields, page_size=page_size, page_token=page_token[:2000])


@dataclass(frozen=True)
class CustomerView:
    """A request as its customer may see it, with the desk it belongs to in this tenant."""

    request: CustomerRequest
    desk: ServiceDesk


def request_for_customer(*, client: JiraClient, tenant: Tenant, customer: Customer, issue_key: str) -> CustomerView:
    """The request if it is this customer's in this tenant, else `RequestNotFound` (404, never 403)."""
    if not ISSUE_KEY.match(issue_key or "") or not customer.jira_account_id:
        raise RequestNotFound(f"no request {issue_key[:40]!r} for this customer.")
    found = client.customer_request_full(issue_key)
    desk = ServiceDesk.objects.filter(tenant=tenant, jira_id=found.service_desk_id, is_active=True).first()
    if desk is None or not _is_party(client, found, customer.jira_account_id):
        raise RequestNotFound(f"request {issue_key} is not this customer's.")
    if not access.desk_allows(customer=customer, desk=desk):
        raise RequestNotFound(f"request {issue_key} is at a desk this customer may not use.")
    return CustomerView(request=found, desk=desk)


def _is_party(client: JiraClient, found: CustomerRequest, account_id: str) -> bool:
    if found.reporter_account_id == account_id or account_id in found.participant_ids:
        return True
    if found.participants_complete:
        return False
    return any(user.account_id == account_id for user in client.request_participants(found.issue_key))


@dataclass(frozen=True)
class ShownComment:
    """A public comment as the portal shows it: comments the gateway posted for a customer show as theirs."""

    comment: Comment
    author: str
    body: str
    by_customer: bool


def public_comments(*, client: JiraClient, issue_key: str, service_account_email: str) -> list[ShownComment]:
    """Public comments only: asked for with public=true&internal=false, and filtered again here."""
    shown = []
    for comment in client.comments(issue_key, public_only=True):
        if not comment.public:
            continue
        author, body, by_customer = comment.author_name, comment.body, False
        if comment.author_email.lower() == service_account_email.lower():
            match = ATTRIBUTION.match(body)
            if match:
                author, body, by_customer = match.group(1), body[match.end() :], True
        shown.append(ShownComment(comment=comment, author=author or "Help desk", body=body, by_customer=by_customer))
    return shown
