"""Reads for the portal's request pages: a customer's requests, one request they may see, its comments.

Ownership: the service account sees every request of the site, so the gateway
itself decides what a customer may see. A request is theirs when its reporter or one of its
participants is their Jira account, its service desk is an active desk of *this* tenant, and the
desk's access rules admit them. Anything else (another customer's key, a key of another project,
a malformed key) is the same 404, so keys cannot be probed.
"""

import logging
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal import access, jsm
from portal.errors import RequestNotFound
from providers.models import Customer
from tenants.jira import errors
from tenants.jira.client import JiraClient
from tenants.jira.types import Approval, Attachment, Comment, CustomerRequest, SearchPage, StatusChange
from tenants.models import ServiceDesk, Tenant

logger = logging.getLogger(__name__)
ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,30}-[1-9][0-9]{0,9}$")
PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
JQL_RESERVED = re.compile(r'[+\-&|!(){}\[\]^~*?\\:"\']')
ATTRIBUTION = re.compile(r"^\*([^*\n]{1,200})\* \(via the help center\):\n\n", re.DOTALL)
STATES = ("open", "closed", "all")
#: Lines JSM adds to a comment that came with files (POST request/{key}/attachment): `[^name.png]` references.
FILE_REFERENCES = re.compile(r"(?m)^[ \t]*(?:\[\^[^\]\n]+\][ \t]*)+$")


def jql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search_words(text: str) -> list[str]:
    """The words of a search box, without JQL's reserved characters (Jira's text-search syntax)."""
    return " ".join(JQL_RESERVED.sub(" ", text or "").split())[:100].split()


OWNERSHIP = ("all", "reporter", "participant", "organization", "approval")


def party_jql(*, account_id: str, ownership: str = "all", organizations: tuple[str, ...] = ()) -> str:
    """Whose requests: JSM's portal filters of My requests ("Created by me", "Where I'm a participant",
    the customer's organizations (JSM's `requestOwnership` ORGANIZATION), "Awaiting my approval").

    JSM records them as the reporter, "Request participants", the "Organizations" field (a request shared with
    an organization is seen by its members) and approvals (JQL `approval = pendingBy(...)`: awaiting this
    approver's decision; `approver(...)`: they are or were an approver, and may see it). The service account is
    an agent, so JSM's own `requestOwnership`, which means "the caller's", cannot be used: the JQL names the
    customer. An organization filter without organizations matches nothing ("" is returned).
    """
    account = jql_string(account_id)
    reporter, participant = f"reporter = {account}", f'"Request participants" = {account}'
    orgs = f"Organizations in ({', '.join(jql_string(o) for o in organizations)})" if organizations else ""
    parts = {
        "reporter": [reporter],
        "participant": [participant],
        "organization": [orgs] if orgs else [],
        "approval": [f"approval = pendingBy({account})"],
        "all": [reporter, participant, orgs, f"approval = approver({account})"],
        "mine": [reporter, participant],
    }[ownership if ownership in (*OWNERSHIP, "mine") else "all"]
    parts = [p for p in parts if p]
    return f"({' OR '.join(parts)})" if parts else ""


def requests_jql(
    *,
    account_id: str,
    desks: list[ServiceDesk],
    text: str = "",
    state: str = "open",
    comments_only: bool = False,
    ownership: str = "all",
    organizations: tuple[str, ...] = (),
    request_type: str = "",
) -> str:
    """The JQL of "My requests": the customer's requests (`party_jql`) in the desks they may use.

    The project list bounds the query to this tenant's desks (the enhanced search refuses unbounded JQL).
    Searched text is matched in `summary` and `description` only, never with `text ~` (which searches every
    comment the service account, an agent, can read: internal notes included). `comments_only` asks for the
    requests whose comments match and whose summary and description do not: candidates whose *public* comments
    the gateway then reads itself (`customer_requests_search`). `request_type`: a request type's name (JQL's
    "Request Type" field), used with one desk chosen. "" when nothing can match.
    """
    keys = sorted({d.project_key for d in desks if PROJECT_KEY.match(d.project_key or "")})
    party = party_jql(account_id=account_id, ownership=ownership, organizations=organizations)
    if not keys or not party:
        return ""
    clauses = [f"project in ({', '.join(jql_string(k) for k in keys)})", party]
    if state == "open":
        clauses.append("statusCategory != Done")
    elif state == "closed":
        clauses.append("statusCategory = Done")
    if request_type:
        clauses.append(f'"Request Type" = {jql_string(request_type)}')
    words = " ".join(search_words(text))
    if words:
        term = jql_string(words)
        fields = f"(summary ~ {term} OR description ~ {term})"
        clauses += [f"comment ~ {term}", f"NOT {fields}"] if comments_only else [fields]
    return " AND ".join(clauses) + " ORDER BY updated DESC"


#: How many comment-matched requests are checked (one Jira call each) when a customer searches.
COMMENT_CANDIDATES = 10


def customer_requests_search(
    *,
    client: JiraClient,
    customer: Customer,
    desks: list[ServiceDesk],
    text: str = "",
    state: str = "open",
    page_token: str = "",
    page_size: int = 20,
    ownership: str = "all",
    organizations: tuple[str, ...] = (),
    request_type: str = "",
) -> SearchPage:
    """One Jira call per page (POST /rest/api/3/search/jql), never one per row, when nothing is searched.

    A search sees what the customer sees in JSM's portal: summary and description (JQL), and public
    comments. No JQL field holds public comments only, and JSM's customer-side `GET /request?searchTerm=`
    matches the summary only, so public comments are matched here: the most recently updated requests
    whose comments JQL matches (at most `COMMENT_CANDIDATES`, internal notes included) have their public
    comments read (GET request/{key}/comment?public=true&internal=false) and are kept when one of those
    holds every word. They are added to the first page only.
    """
    if not customer.jira_account_id:
        return SearchPage(issues=())
    query = {
        "account_id": customer.jira_account_id,
        "desks": desks,
        "text": text,
        "state": state,
        "ownership": ownership,
        "organizations": organizations,
        "request_type": request_type,
    }
    jql = requests_jql(**query)
    if not jql:
        return SearchPage(issues=())
    fields = ["summary", "status", "updated", "created", "project"]
    try:
        page = client.search_jql(jql, fields=fields, page_size=page_size, page_token=page_token[:2000])
    except errors.JiraRequestRejected as exc:
        if query["ownership"] != "all":
            raise
        # A site whose JQL refuses the organization or approval clauses (no such field there, say) still lists
        # what the customer reported or participates in; the log says why the rest is missing.
        logger.warning("My requests fell back to reporter/participant: Jira refused the JQL: %s", exc)
        query["organizations"], query["ownership"] = (), "mine"
        jql = requests_jql(**query)
        page = client.search_jql(jql, fields=fields, page_size=page_size, page_token=page_token[:2000])
    words = [w.lower() for w in search_words(text)]
    if not words or page_token:
        return page
    candidates = client.search_jql(
        requests_jql(**query, comments_only=True), fields=fields, page_size=COMMENT_CANDIDATES
    )
    found = tuple(issue for issue in candidates.issues if _public_comment_has(client, issue.key, words))
    return SearchPage(issues=page.issues + found, next_page_token=page.next_page_token)


def _public_comment_has(client: JiraClient, issue_key: str, words: list[str]) -> bool:
    for comment in client.comments(issue_key, public_only=True):
        body = comment.body.lower()
        if comment.public and all(w in body for w in words):
            return True
    return False


@dataclass(frozen=True)
class CustomerView:
    """A request as its customer may see it, with the desk it belongs to in this tenant."""

    request: CustomerRequest
    desk: ServiceDesk
    #: True for its reporter and participants; False for an organization colleague or an approver, who may read
    #: and comment (as in JSM's portal) but not act on it: no customer transitions, no sharing.
    party: bool = True


def request_for_customer(*, client: JiraClient, tenant: Tenant, customer: Customer, issue_key: str) -> CustomerView:
    """The request if it is this customer's in this tenant, else `RequestNotFound` (404, never 403).

    Theirs: they reported it or participate in it, or it is shared with one of their organizations, or they
    are one of its approvers (as JSM's portal shows it to them)."""
    if not ISSUE_KEY.match(issue_key or "") or not customer.jira_account_id:
        raise RequestNotFound(f"no request {issue_key[:40]!r} for this customer.")
    found = client.customer_request_full(issue_key)
    desk = ServiceDesk.objects.filter(tenant=tenant, jira_id=found.service_desk_id, is_active=True).first()
    party = desk is not None and _is_party(client, found, customer)
    if desk is None or not (party or _shared_or_approver(client, found, customer, desk)):
        raise RequestNotFound(f"request {issue_key} is not this customer's.")
    if not access.desk_allows(customer=customer, desk=desk):
        raise RequestNotFound(f"request {issue_key} is at a desk this customer may not use.")
    return CustomerView(request=found, desk=desk, party=party)


def _is_party(client: JiraClient, found: CustomerRequest, customer: Customer) -> bool:
    """Its reporter or one of its participants (every page of them)."""
    account_id = customer.jira_account_id
    if found.reporter_account_id == account_id or account_id in found.participant_ids:
        return True
    return not found.participants_complete and any(
        user.account_id == account_id for user in client.request_participants(found.issue_key)
    )


def _shared_or_approver(client: JiraClient, found: CustomerRequest, customer: Customer, desk: ServiceDesk) -> bool:
    """Shared with one of the customer's organizations, or awaiting/decided by them as an approver: one JQL
    search for this key (the CustomerRequestDTO carries neither), only for a request they are no party of."""
    if not PROJECT_KEY.match(desk.project_key or "") or not ISSUE_KEY.match(found.issue_key):
        return False
    account = jql_string(customer.jira_account_id)
    organizations = jsm.customer_organization_names(tenant=desk.tenant, customer=customer)
    parts = [f"approval = approver({account})"]
    if organizations:
        parts.insert(0, f"Organizations in ({', '.join(jql_string(o) for o in organizations)})")
    jql = f"project in ({jql_string(desk.project_key)}) AND issuekey = {jql_string(found.issue_key)} AND "
    jql += f"({' OR '.join(parts)}) ORDER BY updated DESC"
    try:
        page = client.search_jql(jql, fields=["summary"], page_size=1)
    except errors.JiraRequestRejected as exc:  # a site whose JQL has no such clause: not theirs (the same 404)
        logger.warning("Organization/approver check of %s refused by Jira: %s", found.issue_key, exc)
        return False
    return any(i.key == found.issue_key for i in page.issues)


@dataclass(frozen=True)
class ShownComment:
    """A public comment as the portal shows it: comments the gateway posted for a customer show as theirs."""

    comment: Comment
    author: str
    body: str
    by_customer: bool

    @property
    def rendered(self) -> str:
        """JSM's rendered HTML for an agent's comment; a customer's (posted with the attribution line) is shown
        from its text without that line."""
        return "" if self.by_customer else self.comment.rendered_html


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
                body = FILE_REFERENCES.sub("", body).strip()  # the files are listed under the comment
        shown.append(ShownComment(comment=comment, author=author or _("Help desk"), body=body, by_customer=by_customer))
    return shown


def comment_files(*, client: JiraClient, issue_key: str, public: list[Comment]) -> dict[str, tuple[Attachment, ...]]:
    """Every file of each public comment, by comment id: the first page came with the comment (expand=attachment),
    the rest is read (GET request/{key}/comment/{id}/attachment) only for a comment with more."""
    files = {}
    for comment in public:
        if comment.public:
            files[comment.id] = comment.attachments
            if not comment.attachments_complete:
                files[comment.id] = tuple(client.comment_attachments(issue_key, comment.id))
    return files


def attachments_visible(
    *, client: JiraClient, found: CustomerRequest, public: list[Comment], files: dict | None = None
) -> list[Attachment]:
    """The request's files a customer may see, every page of them (GET request/{key}/attachment pages).

    The service account sees every file; JSM shows customers only public ones (its API, GET
    request/{key}/attachment: "Customers will only get a list of public attachments"), but the attachment DTO
    carries no visibility. A file has the visibility of the comment it came with (POST request/{key}/attachment:
    `public` "controls whether the comment and its attachments are visible to customers"), so a file is shown
    when it came with one of the `public` comments, or when the reporter or a participant added it (customers
    add public files only). Anything else, an agent's file on an internal note or on the issue itself, is hidden.
    """
    every = found.attachments
    if not found.attachments_complete:
        every = tuple(client.request_attachments(found.issue_key))
    if files is None:
        files = comment_files(client=client, issue_key=found.issue_key, public=public)
    shown = {a.id for with_comment in files.values() for a in with_comment}
    customers = {found.reporter_account_id, *found.participant_ids} - {""}
    if not found.participants_complete and any(a.id not in shown for a in every):
        customers |= {user.account_id for user in client.request_participants(found.issue_key)}
    return [a for a in every if a.id and (a.id in shown or a.author_account_id in customers)]


def request_participants(*, client: JiraClient, found: CustomerRequest) -> list[tuple[str, str]]:
    """(account id, display name) of every participant: the first page came with the request, the rest is read."""
    if found.participants_complete:
        return list(zip(found.participant_ids, found.participant_names, strict=True))
    return [
        (user.account_id, user.display_name or "A customer") for user in client.request_participants(found.issue_key)
    ]


def status_history(*, client: JiraClient, found: CustomerRequest) -> list[StatusChange]:
    """Every status the request was in, oldest first (GET request/{key}/status, every page, lists the most recent
    first; dates have whole seconds, so the order within one second is JSM's)."""
    changes = list(client.request_status_history(found.issue_key))
    changes.reverse()  # oldest first within one second; sorted() keeps that order (it is stable)
    return sorted(changes, key=lambda change: change.date)


def approvals(*, client: JiraClient, found: CustomerRequest) -> list[Approval]:
    """The request's approvals (GET request/{key}/approval): who must approve, who did, the decision."""
    return list(client.request_approvals(found.issue_key))
