"""Typed results of the Jira calls the gateway makes (shapes: ../shared/specs/*.openapi.json).

Each `from_api` reads the DTO named in its docstring and ignores fields the gateway does not use.
"""

from dataclasses import dataclass, field


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
class Organization:
    """JSM `OrganizationDTO`."""

    id: str
    name: str

    @classmethod
    def from_api(cls, data: dict) -> "Organization":
        return cls(id=str(data["id"]), name=data.get("name", ""))


@dataclass(frozen=True)
class RequestTypeGroup:
    """JSM `RequestTypeGroupDTO`."""

    id: str
    name: str

    @classmethod
    def from_api(cls, data: dict) -> "RequestTypeGroup":
        return cls(id=str(data["id"]), name=data.get("name", ""))


@dataclass(frozen=True)
class RequestType:
    """JSM `RequestTypeDTO`."""

    id: str
    name: str
    description: str = ""
    help_text: str = ""
    service_desk_id: str = ""
    group_ids: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: dict) -> "RequestType":
        return cls(
            id=str(data["id"]),
            name=data.get("name", ""),
            description=data.get("description", ""),
            help_text=data.get("helpText", ""),
            service_desk_id=str(data.get("serviceDeskId", "")),
            group_ids=tuple(str(g) for g in data.get("groupIds", [])),
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

    @classmethod
    def from_api(cls, data: dict) -> "RequestTypeField":
        return cls(
            field_id=data["fieldId"],
            name=data.get("name", ""),
            required=data.get("required", False),
            description=data.get("description", ""),
            schema_type=(data.get("jiraSchema") or {}).get("type", ""),
            valid_values=tuple(data.get("validValues", [])),
            default_values=tuple(data.get("defaultValues", [])),
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

    @classmethod
    def from_api(cls, data: dict) -> "CustomerRequest":
        values = tuple(data.get("requestFieldValues", []))
        summary = next((v.get("value") for v in values if v.get("fieldId") == "summary"), "") or ""
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
        )


@dataclass(frozen=True)
class Comment:
    """JSM `CommentDTO`."""

    id: str
    body: str
    public: bool
    author_account_id: str = ""
    author_name: str = ""
    created: str = ""

    @classmethod
    def from_api(cls, data: dict) -> "Comment":
        author = data.get("author") or {}
        return cls(
            id=str(data["id"]),
            body=data.get("body", ""),
            public=data.get("public", True),
            author_account_id=author.get("accountId", ""),
            author_name=author.get("displayName", ""),
            created=(data.get("created") or {}).get("iso8601", ""),
        )


@dataclass(frozen=True)
class VerifyReport:
    """What Verify found: who the token belongs to and the service desks that account sees."""

    account: JiraUser
    cloud_id: str = ""
    service_desks: list[ServiceDesk] = field(default_factory=list)
