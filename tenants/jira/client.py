"""The one Jira client (the only code that speaks HTTP to Jira): typed calls over `transport.Transport`.

Paths and shapes follow ../shared/specs/*.openapi.json: the platform API for /myself, /mypermissions and
/user/search, the JSM API (/rest/servicedeskapi) for service desks, customers, organizations, request
types, requests and comments. Paging and errors live in transport.py; timeouts, retries and the session in
sso_gateway/outgoing_http.py, which every call goes through.
"""

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

from django.conf import settings

from sso_gateway import outgoing_http
from tenants.jira import errors
from tenants.jira.transport import (
    INTERACTIVE,
    RetryPolicy,
    Transport,
    _failed,
    fetch_cloud_id,
    scoped_base_url,
)
from tenants.jira.types import (
    Approval,
    Article,
    Attachment,
    Comment,
    CustomerRequest,
    IssueSummary,
    JiraUser,
    Organization,
    RequestType,
    RequestTypeField,
    RequestTypeGroup,
    SearchPage,
    ServiceDesk,
    StatusChange,
    TemporaryAttachment,
    Transition,
)

__all__ = ["INTERACTIVE", "JiraClient", "RetryPolicy", "fetch_cloud_id", "scoped_base_url"]

JSM = "/rest/servicedeskapi"
EXPERIMENTAL = {"X-ExperimentalApi": "opt-in"}


def _media_get(url: str, *, timeout):
    """Jira's attachment media URL, fetched only from Atlassian's media store (settings.GATEWAY_JIRA_MEDIA_HOSTS,
    api.media.atlassian.com) over https (plain http only when GATEWAY_ALLOW_INSECURE_HTTP, for tests): Jira's
    `Location` is not an address an admin checked, and whatever it names, the gateway would fetch and hand to
    the customer. The URL carries its own one-time token: it is fetched without the service account's
    credentials, over the Jira session (no cookies, the size cap, the refusal of internal addresses)."""
    parts = urlsplit(url)
    insecure = settings.GATEWAY_ALLOW_INSECURE_HTTP
    host = (parts.hostname or "").lower().rstrip(".")
    if not (parts.scheme == "https" or (insecure and parts.scheme == "http")) or host not in _media_hosts():
        raise errors.JiraRequestRejected(
            f"Jira sent the attachment from {host[:100] or 'an address without a host'}, which is not Atlassian's "
            "media store (GATEWAY_JIRA_MEDIA_HOSTS); the gateway does not download from there."
        )
    try:
        response = outgoing_http.send(outgoing_http.JIRA, "GET", url, timeout=timeout, headers={"Accept": "*/*"})
    except outgoing_http.ResponseTooLarge as exc:
        raise _failed(exc, parts.netloc) from None
    except outgoing_http.OutgoingDestinationRefused as exc:
        raise errors.JiraRequestRejected(str(exc)) from None
    except outgoing_http.OutgoingError:
        raise errors.JiraUnavailable(
            "Could not download the attachment from Jira; try again in a few minutes."
        ) from None
    if 300 <= response.status_code < 400:
        raise errors.JiraRequestRejected(
            "Atlassian's media store redirected the download once more; the gateway follows one redirect only.",
            status=response.status_code,
        )
    return response


def _media_hosts() -> frozenset[str]:
    return frozenset(host.lower().rstrip(".") for host in settings.GATEWAY_JIRA_MEDIA_HOSTS)


class JiraClient(Transport):
    """Methods return types from `types.py` and raise types from `errors.py`."""

    # -- platform: who am I, may I administer, find a user
    def myself(self) -> JiraUser:
        return JiraUser.from_api(self.get("/rest/api/3/myself"))

    def has_permission(self, key: str) -> bool:
        data = self.get("/rest/api/3/mypermissions", permissions=key)
        return bool(((data.get("permissions") or {}).get(key) or {}).get("havePermission"))

    def user_search(self, query: str, *, page_size: int = 50, max_results: int = 1000) -> Iterator[JiraUser]:
        """/rest/api/3/user/search matches prefixes of names and emails; pages by startAt/maxResults."""
        start = 0
        while start < max_results:
            users = self.get("/rest/api/3/user/search", query=query, startAt=start, maxResults=page_size)
            yield from (JiraUser.from_api(u) for u in users)
            if len(users) == 0:
                return
            start += len(users)

    def user_find_by_email(self, email: str) -> JiraUser | None:
        """Exact, case-insensitive: `a@x.com` must not match `a@x.com.au` (search is by prefix)."""
        wanted = email.strip().lower()
        return next((u for u in self.user_search(wanted) if u.email.lower() == wanted), None)

    # -- JSM: service desks, customers, organizations
    def service_desks(self) -> Iterator[ServiceDesk]:
        return (ServiceDesk.from_api(d) for d in self.paged(f"{JSM}/servicedesk"))

    def service_desk(self, service_desk_id: str) -> ServiceDesk:
        return ServiceDesk.from_api(self.get(f"{JSM}/servicedesk/{quote(service_desk_id)}"))

    def customer_create(self, *, email: str, display_name: str) -> JiraUser:
        """POST /customer; an existing email is `JiraCustomerExists` (409 with strictConflictStatusCode)."""
        try:
            response = self.request(
                "POST",
                f"{JSM}/customer",
                params={"strictConflictStatusCode": "true"},
                json={"email": email, "displayName": display_name or email},
            )
        except errors.JiraRequestRejected as exc:
            if exc.status == 409 or (exc.status == 400 and "exist" in exc.message.lower()):
                raise errors.JiraCustomerExists(exc.message, status=exc.status) from None
            raise
        return JiraUser.from_api(response.json())

    def service_desk_customers_add(self, service_desk_id: str, account_ids: list[str]) -> None:
        self.request("POST", f"{JSM}/servicedesk/{quote(service_desk_id)}/customer", json={"accountIds": account_ids})

    def service_desk_customers(self, service_desk_id: str, *, query: str = "") -> Iterator[JiraUser]:
        """GET servicedesk/{id}/customer (experimental); `query` matches display names, names and emails."""
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/customer"
        params = {"query": query} if query else {}
        return (JiraUser.from_api(u) for u in self.paged(path, headers=EXPERIMENTAL, **params))

    def service_desk_organizations(self, service_desk_id: str) -> Iterator[Organization]:
        """GET servicedesk/{id}/organization: the organizations whose members are customers of the desk."""
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/organization"
        return (Organization.from_api(o) for o in self.paged(path))

    def organizations(self) -> Iterator[Organization]:
        return (Organization.from_api(o) for o in self.paged(f"{JSM}/organization"))

    def organization_create(self, name: str) -> Organization:
        return Organization.from_api(self.request("POST", f"{JSM}/organization", json={"name": name}).json())

    def organization_users_add(self, organization_id: str, account_ids: list[str]) -> None:
        self.request("POST", f"{JSM}/organization/{quote(organization_id)}/user", json={"accountIds": account_ids})

    def organization_users(self, organization_id: str) -> Iterator[JiraUser]:
        return (JiraUser.from_api(u) for u in self.paged(f"{JSM}/organization/{quote(organization_id)}/user"))

    def organization_users_remove(self, organization_id: str, account_ids: list[str]) -> None:
        self.request("DELETE", f"{JSM}/organization/{quote(organization_id)}/user", json={"accountIds": account_ids})

    # -- JSM: what the hosted portal needs
    def request_type_groups(self, service_desk_id: str) -> Iterator[RequestTypeGroup]:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/requesttypegroup"
        return (RequestTypeGroup.from_api(g) for g in self.paged(path))

    def request_types(self, service_desk_id: str) -> Iterator[RequestType]:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/requesttype"
        return (RequestType.from_api(t) for t in self.paged(path))

    def request_type_fields(self, service_desk_id: str, request_type_id: str) -> list[RequestTypeField]:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/requesttype/{quote(request_type_id)}/field"
        return [RequestTypeField.from_api(f) for f in self.get(path).get("requestTypeFields", [])]

    def knowledge_base_articles(self, query: str, *, service_desk_id: str = "", limit: int = 10) -> list[Article]:
        """GET knowledgebase/article (every desk) or servicedesk/{id}/knowledgebase/article: the first page of the
        articles matching `query`, titles and excerpts highlighted (`@@@hl@@@term@@@endhl@@@`). A site without a
        knowledge base answers 404 or 403 (JiraNotFound / JiraNotAdministrator): the caller decides."""
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/knowledgebase/article" if service_desk_id else None
        params = {"query": query, "highlight": "true", "start": 0, "limit": limit}
        data = self.request("GET", path or f"{JSM}/knowledgebase/article", params=params).json()
        return [Article.from_api(a) for a in (data.get("values") or [])[:limit] if isinstance(a, dict)]

    def request_create(
        self,
        *,
        service_desk_id: str,
        request_type_id: str,
        field_values: dict,
        on_behalf_of: str,
        participants: list[str] | None = None,
    ) -> CustomerRequest:
        """POST /request: attachments go in `field_values["attachment"]` as temporary file ids and participants
        in `requestParticipants`, so one call creates everything or nothing."""
        body = {
            "serviceDeskId": service_desk_id,
            "requestTypeId": request_type_id,
            "requestFieldValues": field_values,
            "raiseOnBehalfOf": on_behalf_of,
        }
        if participants:
            body["requestParticipants"] = list(participants)
        return CustomerRequest.from_api(self.request("POST", f"{JSM}/request", json=body).json())

    def requests(self, *, service_desk_id: str | None = None, ownership: str = "ALL_REQUESTS") -> Iterator:
        params = {"requestOwnership": ownership}
        if service_desk_id:
            params["serviceDeskId"] = service_desk_id
        return (CustomerRequest.from_api(r) for r in self.paged(f"{JSM}/request", **params))

    def customer_request(self, issue_key: str) -> CustomerRequest:
        return CustomerRequest.from_api(self.get(f"{JSM}/request/{quote(issue_key)}"))

    def comments(self, issue_key: str, *, public_only: bool = True) -> Iterator[Comment]:
        """Each with its attachments and JSM's rendered HTML (expand=attachment,renderedBody): a file belongs to
        the comment it came with and is as visible as that comment (JSM API, POST request/{key}/attachment)."""
        params = {"public": "true", "internal": "false"} if public_only else {}
        path = f"{JSM}/request/{quote(issue_key)}/comment"
        return (Comment.from_api(c) for c in self.paged(path, expand="attachment,renderedBody", **params))

    def comment_attachments(self, issue_key: str, comment_id: str) -> Iterator[Attachment]:
        """GET request/{key}/comment/{id}/attachment: the rest of a comment's files, when expand gave one page."""
        path = f"{JSM}/request/{quote(issue_key)}/comment/{quote(comment_id)}/attachment"
        return (Attachment.from_api(a) for a in self.paged(path))

    def comment_create(self, issue_key: str, *, body: str, public: bool = True) -> Comment:
        response = self.request(
            "POST", f"{JSM}/request/{quote(issue_key)}/comment", json={"body": body, "public": public}
        )
        return Comment.from_api(response.json())

    # -- JSM + platform: the rest of what the hosted portal needs
    def organizations_of(self, account_id: str) -> Iterator[Organization]:
        """GET /organization?accountId=: the JSM organizations a customer belongs to (access rules)."""
        return (Organization.from_api(o) for o in self.paged(f"{JSM}/organization", accountId=account_id))

    def attach_temporary_file(self, service_desk_id: str, *, filename: str, content: bytes, content_type: str):
        """POST servicedesk/{id}/attachTemporaryFile: multipart field `file`, XSRF header `no-check` (JSM API)."""
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/attachTemporaryFile"
        files = {"file": (filename, content, content_type or "application/octet-stream")}
        headers = {"X-Atlassian-Token": "no-check", "X-ExperimentalApi": "opt-in"}
        data = self.request("POST", path, files=files, headers=headers).json()  # 429/503 retried, honouring Retry-After
        return [TemporaryAttachment.from_api(t) for t in data.get("temporaryAttachments", [])]

    def request_attach(
        self, issue_key: str, *, temporary_ids: list[str], public: bool = True, comment: str = ""
    ) -> list[Attachment]:
        """POST request/{key}/attachment: turns temporary files into the request's attachments, on a comment
        (`additionalComment`) as visible as `public` says."""
        body: dict = {"temporaryAttachmentIds": temporary_ids, "public": public}
        if comment:
            body["additionalComment"] = {"body": comment}
        data = self.request("POST", f"{JSM}/request/{quote(issue_key)}/attachment", json=body).json()
        return [Attachment.from_api(a) for a in (data.get("attachments") or {}).get("values") or []]

    def customer_request_full(self, issue_key: str) -> CustomerRequest:
        """One call for the request page: participants, attachments and the actions JSM allows. Both lists are
        a first page (`participants_complete`, `attachments_complete` say whether more must be read)."""
        data = self.get(f"{JSM}/request/{quote(issue_key)}", expand="participant,attachment,action,status")
        return CustomerRequest.from_api(data)

    def request_participants(self, issue_key: str) -> Iterator[JiraUser]:
        return (JiraUser.from_api(u) for u in self.paged(f"{JSM}/request/{quote(issue_key)}/participant"))

    def request_participants_add(self, issue_key: str, account_ids: list[str]) -> None:
        self.request("POST", f"{JSM}/request/{quote(issue_key)}/participant", json={"accountIds": account_ids})

    def request_participants_remove(self, issue_key: str, account_ids: list[str]) -> None:
        path = f"{JSM}/request/{quote(issue_key)}/participant"
        self.request("DELETE", path, json={"accountIds": account_ids})

    def request_approvals(self, issue_key: str) -> Iterator[Approval]:
        """GET request/{key}/approval: every approval of the request, each with its approvers and decisions."""
        return (Approval.from_api(a) for a in self.paged(f"{JSM}/request/{quote(issue_key)}/approval"))

    def request_status_history(self, issue_key: str) -> Iterator[StatusChange]:
        """GET request/{key}/status: every status the request was in."""
        return (StatusChange.from_api(s) for s in self.paged(f"{JSM}/request/{quote(issue_key)}/status"))

    def request_attachments(self, issue_key: str) -> Iterator[Attachment]:
        return (Attachment.from_api(a) for a in self.paged(f"{JSM}/request/{quote(issue_key)}/attachment"))

    def request_attachment_content(self, issue_key: str, attachment_id: str) -> tuple[bytes, str]:
        """GET request/{key}/attachment/{id}: Jira answers 303 to a media URL that carries its own one-time
        token; that URL is fetched without the service account's credentials (never sent to another host).
        """
        path = f"{JSM}/request/{quote(issue_key)}/attachment/{quote(attachment_id)}"
        response = self._send("GET", path, headers={"Accept": "*/*"})
        if response.status_code in (301, 302, 303, 307) and response.headers.get("Location"):
            response = _media_get(response.headers["Location"], timeout=self.timeout)
        response = self._check(response)
        return response.content, response.headers.get("Content-Type", "application/octet-stream")

    def request_type_icon(self, icon_id: str) -> tuple[bytes, str]:
        """A request type's icon as PNG: the address JSM's `icon._links.iconUrls` point to, built from the id."""
        if not icon_id.isdigit():
            raise errors.JiraNotFound("No such icon.", status=404)
        path = f"/rest/api/2/universal_avatar/view/type/SD_REQTYPE/avatar/{icon_id}"
        response = self.request(
            "GET", path, params={"size": "medium", "format": "png"}, headers={"Accept": "image/png"}
        )
        return response.content, response.headers.get("Content-Type", "")

    def customer_transitions(self, issue_key: str) -> list[Transition]:
        """GET request/{key}/transition: the transitions customers may perform on the request."""
        return [Transition.from_api(t) for t in self.paged(f"{JSM}/request/{quote(issue_key)}/transition")]

    def customer_transition(self, issue_key: str, *, transition_id: str, comment: str = "") -> None:
        body: dict = {"id": transition_id}
        if comment:
            body["additionalComment"] = {"body": comment}
        self.request("POST", f"{JSM}/request/{quote(issue_key)}/transition", json=body)

    def search_jql(self, jql: str, *, fields: list[str], page_size: int = 25, page_token: str = "") -> SearchPage:
        """POST /rest/api/3/search/jql (the enhanced search): one page, chained by `nextPageToken`."""
        body: dict = {"jql": jql, "fields": fields, "maxResults": page_size}
        if page_token:
            body["nextPageToken"] = page_token
        data = self.request("POST", "/rest/api/3/search/jql", json=body).json()
        issues = tuple(IssueSummary.from_api(i) for i in data.get("issues") or [])
        return SearchPage(issues=issues, next_page_token=data.get("nextPageToken") or "")
