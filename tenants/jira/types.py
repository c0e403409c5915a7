"""Typed results of the Jira calls the gateway makes (shapes: ../shared/specs/*.openapi.json).

Each `from_api` reads the DTO named in its docstring and ignores fields the gateway does not use.
"""

from dataclasses import dataclass, field
from typing import Self


@dataclass(frozen=True)
class JiraUser:
    """Platform `User` (/rest/api/3/myself, /user/search) or JSM `UserDTO` (customer create)."""

    account_id: str
    email: str = ""
    display_name: str = ""
    active: bool = True
    account_type: str = ""

    @classmethod
    def from_api(cls, data: dict) -> "JiraUser":
        return cls(
            account_id=data["accountId"],
            email=data.get("emailAddress") or "",
            display_name=data.get("displayName") or "",
            active=data.get("active", True),
            account_type=data.get("accountType") or "",
        )


@dataclass(frozen=True)
class ServiceDesk:
    """JSM `ServiceDeskDTO`."""

    id: str
    project_id: str
    project_key: str
    project_name: str

    @classmethod
    def from_api(cls, data: dict) -> "ServiceDesk":
        return cls(
            id=str(data["id"]),
            project_id=str(data.get("projectId", "")),
            project_key=data.get("projectKey", ""),
            project_name=data.get("projectName", ""),
        )


@dataclass(frozen=True)
class _IdAndName:
    """The shape several JSM DTOs share: an id (a string, whatever Jira sends) and a name."""

    id: str
    name: str

    @classmethod
    def from_api(cls, data: dict) -> Self:
        return cls(id=str(data["id"]), name=data.get("name", ""))


class Organization(_IdAndName):
    """JSM `OrganizationDTO`."""


class RequestTypeGroup(_IdAndName):
    """JSM `RequestTypeGroupDTO`."""


@dataclass(frozen=True)
class RequestType:
    """JSM `RequestTypeDTO`."""

    id: str
    name: str
    description: str = ""
    help_text: str = ""
    service_desk_id: str = ""
    group_ids: tuple[str, ...] = ()
    icon_id: str = ""
    restricted: bool = False
    portal_id: str = ""

    @classmethod
    def from_api(cls, data: dict) -> "RequestType":
        """`restrictionStatus` RESTRICTED: JSM shows the type only to the customers its admins chose (who they are
        is not in the API; an administrator's token sees every type)."""
        return cls(
            id=str(data["id"]),
            name=data.get("name", ""),
            description=data.get("description", ""),
            help_text=data.get("helpText", ""),
            service_desk_id=str(data.get("serviceDeskId", "")),
            group_ids=tuple(str(g) for g in data.get("groupIds", [])),
            icon_id=str((data.get("icon") or {}).get("id") or ""),
            restricted=data.get("restrictionStatus") == "RESTRICTED",
            portal_id=str(data.get("portalId") or ""),
        )


@dataclass(frozen=True)
class Article:
    """JSM `ArticleDTO` (a knowledge-base article found by a search): `excerpt` as JSM sent it (with
    `@@@hl@@@...@@@endhl@@@` highlight marks when asked for), `source` its Confluence page (`pageId`, `spaceKey`,
    and whatever else the site adds), `iframe_url` the article's body (content.iframeSrc)."""

    title: str
    excerpt: str = ""
    page_id: str = ""
    space_key: str = ""
    source_url: str = ""
    iframe_url: str = ""

    @classmethod
    def from_api(cls, data: dict) -> "Article":
        source = data.get("source") if isinstance(data.get("source"), dict) else {}
        content = data.get("content") if isinstance(data.get("content"), dict) else {}
        return cls(
            title=str(data.get("title") or ""),
            excerpt=str(data.get("excerpt") or ""),
            page_id=str(source.get("pageId") or ""),
            space_key=str(source.get("spaceKey") or ""),
            source_url=str(source.get("url") or source.get("pageUrl") or ""),
            iframe_url=str(content.get("iframeSrc") or ""),
        )


@dataclass(frozen=True)
class RequestTypeField:
    """JSM `RequestTypeFieldDTO`: what the create-request form is built from."""

    field_id: str
    name: str
    required: bool = False
    description: str = ""
    schema_type: str = ""
    valid_values: tuple[dict, ...] = ()
    default_values: tuple[dict, ...] = ()
    schema_items: str = ""
    schema_system: str = ""
    schema_custom: str = ""
    visible: bool = True
    preset_values: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: dict) -> "RequestTypeField":
        schema = data.get("jiraSchema") or {}
        return cls(
            field_id=data["fieldId"],
            name=data.get("name", ""),
            required=data.get("required", False),
            description=data.get("description", ""),
            schema_type=schema.get("type", ""),
            valid_values=tuple(data.get("validValues", [])),
            default_values=tuple(data.get("defaultValues", [])),
            schema_items=schema.get("items", ""),
            schema_system=schema.get("system", ""),
            schema_custom=schema.get("custom", ""),
            visible=data.get("visible", True),
            preset_values=tuple(str(v) for v in data.get("presetValues") or []),
        )


@dataclass(frozen=True)
class CustomerRequest:
    """JSM `CustomerRequestDTO` (the fields the portal shows)."""

    issue_id: str
    issue_key: str
    request_type_id: str
    service_desk_id: str
    reporter_account_id: str
    summary: str
    status: str
    created: str
    field_values: tuple[dict, ...] = ()
    status_category: str = ""
    status_date: str = ""
    reporter_name: str = ""
    participant_ids: tuple[str, ...] = ()
    participant_names: tuple[str, ...] = ()
    participants_complete: bool = False
    attachments: tuple["Attachment", ...] = ()
    attachments_complete: bool = True
    actions: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: dict) -> "CustomerRequest":
        values = tuple(data.get("requestFieldValues", []))
        summary = next((v.get("value") for v in values if v.get("fieldId") == "summary"), "") or ""
        status = data.get("currentStatus") or {}
        participants = data.get("participants") or {}
        attachments = data.get("attachments") or {}
        return cls(
            issue_id=str(data.get("issueId", "")),
            issue_key=data.get("issueKey", ""),
            request_type_id=str(data.get("requestTypeId", "")),
            service_desk_id=str(data.get("serviceDeskId", "")),
            reporter_account_id=(data.get("reporter") or {}).get("accountId", ""),
            summary=str(summary),
            status=(data.get("currentStatus") or {}).get("status", ""),
            created=(data.get("createdDate") or {}).get("iso8601", ""),
            field_values=values,
            status_category=status.get("statusCategory", ""),
            status_date=(status.get("statusDate") or {}).get("iso8601", ""),
            reporter_name=(data.get("reporter") or {}).get("displayName", ""),
            participant_ids=tuple(p.get("accountId", "") for p in participants.get("values") or []),
            participant_names=tuple(p.get("displayName", "") for p in participants.get("values") or []),
            participants_complete=bool(participants) and participants.get("isLastPage", True),
            attachments=tuple(Attachment.from_api(a) for a in attachments.get("values") or []),
            attachments_complete=attachments.get("isLastPage", True),
            actions=tuple(name for name, a in (data.get("actions") or {}).items() if (a or {}).get("allowed")),
        )


@dataclass(frozen=True)
class Attachment:
    """JSM `AttachmentDTO` (a request's files; the content itself needs the service account's credentials)."""

    id: str
    filename: str
    mime_type: str = ""
    size: int = 0
    author_name: str = ""
    created: str = ""
    author_account_id: str = ""

    @classmethod
    def from_api(cls, data: dict) -> "Attachment":
        links = data.get("_links") or {}
        ref = (links.get("jiraRest") or links.get("content") or "").rstrip("/")
        return cls(
            id=ref.rpartition("/")[2],
            filename=data.get("filename", ""),
            mime_type=data.get("mimeType", ""),
            size=int(data.get("size") or 0),
            author_name=(data.get("author") or {}).get("displayName", ""),
            created=(data.get("created") or {}).get("iso8601", ""),
            author_account_id=(data.get("author") or {}).get("accountId", ""),
        )


@dataclass(frozen=True)
class TemporaryAttachment:
    """One entry of attachTemporaryFile's `temporaryAttachments`: an id valid until a request uses it."""

    id: str
    filename: str

    @classmethod
    def from_api(cls, data: dict) -> "TemporaryAttachment":
        return cls(id=str(data["temporaryAttachmentId"]), filename=data.get("fileName", ""))


class Transition(_IdAndName):
    """JSM `CustomerTransitionDTO`: a status change that customers may make."""


@dataclass(frozen=True)
class IssueSummary:
    """One platform `IssueBean` of a JQL search, with the few fields a request list shows."""

    key: str
    summary: str
    status: str
    status_category: str
    updated: str
    created: str
    project_key: str

    @classmethod
    def from_api(cls, data: dict) -> "IssueSummary":
        fields = data.get("fields") or {}
        status = fields.get("status") or {}
        return cls(
            key=data.get("key", ""),
            summary=str(fields.get("summary") or ""),
            status=status.get("name", ""),
            status_category=(status.get("statusCategory") or {}).get("key", ""),
            updated=fields.get("updated") or "",
            created=fields.get("created") or "",
            project_key=(fields.get("project") or {}).get("key", ""),
        )


@dataclass(frozen=True)
class SearchPage:
    """A page of /rest/api/3/search/jql: pages are chained by `nextPageToken` (none on the last page)."""

    issues: tuple[IssueSummary, ...]
    next_page_token: str = ""


@dataclass(frozen=True)
class Comment:
    """JSM `CommentDTO`; `attachments` only when asked for with expand=attachment (a first page of them)."""

    id: str
    body: str
    public: bool
    author_account_id: str = ""
    author_name: str = ""
    created: str = ""
    author_email: str = ""
    attachments: tuple[Attachment, ...] = ()
    attachments_complete: bool = True
    rendered_html: str = ""

    @classmethod
    def from_api(cls, data: dict) -> "Comment":
        author = data.get("author") or {}
        attachments = data.get("attachments") or {}
        return cls(
            id=str(data["id"]),
            body=data.get("body", ""),
            public=data.get("public", True),
            author_account_id=author.get("accountId", ""),
            author_name=author.get("displayName", ""),
            created=(data.get("created") or {}).get("iso8601", ""),
            author_email=author.get("emailAddress") or "",
            attachments=tuple(Attachment.from_api(a) for a in attachments.get("values") or []),
            attachments_complete=attachments.get("isLastPage", True),
            rendered_html=(data.get("renderedBody") or {}).get("html") or "",
        )


@dataclass(frozen=True)
class Approval:
    """JSM `ApprovalDTO`: who must approve (`approvers`: (display name, decision) pairs) and the outcome."""

    id: str
    name: str
    final_decision: str  # approved, declined, pending
    approvers: tuple[tuple[str, str], ...] = ()
    created: str = ""
    completed: str = ""
    approver_ids: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: dict) -> "Approval":
        approvers = [a for a in data.get("approvers") or [] if isinstance(a, dict)]
        return cls(
            id=str(data.get("id", "")),
            name=data.get("name", ""),
            final_decision=data.get("finalDecision", "pending"),
            approvers=tuple(
                ((a.get("approver") or {}).get("displayName", ""), a.get("approverDecision", "pending"))
                for a in approvers
            ),
            created=(data.get("createdDate") or {}).get("iso8601", ""),
            completed=(data.get("completedDate") or {}).get("iso8601", ""),
            approver_ids=tuple((a.get("approver") or {}).get("accountId", "") for a in approvers),
        )


@dataclass(frozen=True)
class StatusChange:
    """JSM `CustomerRequestStatusDTO`: one status of the request's history (GET request/{key}/status)."""

    status: str
    category: str
    date: str

    @classmethod
    def from_api(cls, data: dict) -> "StatusChange":
        return cls(
            status=data.get("status", ""),
            category=data.get("statusCategory", ""),
            date=(data.get("statusDate") or {}).get("iso8601", ""),
        )


@dataclass(frozen=True)
class VerifyReport:
    """What Verify found: who the token belongs to and the service desks that account sees."""

    account: JiraUser
    cloud_id: str = ""
    service_desks: list[ServiceDesk] = field(default_factory=list)
