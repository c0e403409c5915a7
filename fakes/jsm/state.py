"""The fake JSM's data: one Jira site with its accounts, service desks, customers, organizations,
request types (with groups and fields), requests and comments, and how each renders as the DTO of
../shared/specs/*.openapi.json. Seed it with the `add_*` helpers; the WSGI app in app.py serves it.
"""

import html
import itertools
import re
import struct
import threading
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Account:
    """Someone who calls the API: a classic user token (site URL) or a service account's scoped token."""

    email: str
    token: str
    account_id: str
    scoped: bool = False
    admin: bool = True
    display_name: str = "Gateway service account"


@dataclass
class Request:
    issue_id: str
    key: str
    desk_id: str
    request_type_id: str
    reporter: str
    values: dict
    created: datetime
    status: str = "Waiting for support"
    comments: list = field(default_factory=list)
    status_category: str = "NEW"
    participants: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    updated: datetime | None = None
    #: ids of the organizations the request is shared with (JSM's "Organizations" field)
    organizations: list = field(default_factory=list)
    #: approvals: {"id", "name", "approvers": [account ids], "decision": None | "approved" | "declined",
    #: "decided_by": {account id: "approved" | "declined"}, "created", "completed"}
    approvals: list = field(default_factory=list)
    #: (status, status category, when): every status the request was in, oldest first
    history: list = field(default_factory=list)
    #: JSM's rendered HTML of a text field (`renderedValue`), by field id: what Jira's renderer made of it
    rendered: dict = field(default_factory=dict)

    def touch(self) -> None:
        self.updated = datetime.now(UTC)


def solid_png(colour: str, size: int = 48) -> bytes:
    """A valid PNG of one colour (stdlib only): what a request type icon looks like to the gateway."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    row = b"\x00" + bytes([red, green, blue]) * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b"")
    )


def date_dto(when: datetime) -> dict:
    return {
        "epochMillis": int(when.timestamp() * 1000),
        "friendly": when.strftime("%d/%b/%y %I:%M %p"),
        "iso8601": when.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "jira": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}" + when.strftime("%z"),
    }


DEFAULT_FIELDS = [
    {"fieldId": "summary", "name": "Summary", "required": True, "jiraSchema": {"type": "string", "system": "summary"}},
    {
        "fieldId": "description",
        "name": "Description",
        "required": False,
        "jiraSchema": {"type": "string", "system": "description"},
    },
]


#: German names of the demo's (and the tests') request types, answered for `Accept-Language: de`.
GERMAN = {
    name: {"de": {"name": german, "description": f"Anfragen: {german}"}}
    for name, german in {
        "New laptop": "Neuer Laptop",
        "Something is broken": "Etwas ist kaputt",
        "Ask HR a question": "Eine Frage an die Personalabteilung",
        "Update my details": "Meine Daten aktualisieren",
        "Book a meeting room": "Besprechungsraum buchen",
        "Get help": "Hilfe erhalten",
        "Ask a question": "Eine Frage stellen",
        "Request hardware": "Hardware anfordern",
    }.items()
}

#: The articles every fake site's knowledge base starts with.
SEED_ARTICLES = (
    ("Reset your password", "Forgot your password? Use the reset link on the sign-in page to choose a new one."),
    ("Connect to the office Wi-Fi", "Choose the network named Office and sign in with your work account."),
    ("Set up the VPN", "Install the VPN client, then connect with your work account before opening intranet pages."),
)


class State:
    """Everything the fake site knows. All mutation happens under `lock` (the server is threaded)."""

    def __init__(self, *, cloud_id: str | None = None, max_limit: int = 50):
        self.lock = threading.RLock()
        self.cloud_id = cloud_id or str(uuid.uuid4())
        self.max_limit = max_limit
        self.base_url = "http://fake-jsm.invalid"
        self.browse_users = True
        #: CustomerRequestActionsDTO.removeParticipant as the service account gets it (a knob)
        self.remove_participant_allowed = True
        self.accounts: dict[str, Account] = {}
        self.service_desks: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.desk_customers: dict[str, set] = defaultdict(set)
        self.organizations: dict[str, dict] = {}
        self.desk_organizations: dict[str, set] = defaultdict(set)
        self.request_type_groups: dict[str, list] = defaultdict(list)
        self.request_types: dict[str, list] = defaultdict(list)
        self.requests: dict[str, Request] = {}
        self.temporary_attachments: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.icons: dict[
            str, bytes
        ] = {}  # request type icons by id (PNG)  # one-time download tokens (the 303 of an attachment's content)
        #: Customer transitions by status category: what GET request/{key}/transition offers (a knob).
        self.transitions: dict[str, list[dict]] = {
            "NEW": [{"id": "761", "name": "Cancel request", "to": "Canceled", "category": "DONE"}],
            "INDETERMINATE": [{"id": "761", "name": "Cancel request", "to": "Canceled", "category": "DONE"}],
            "DONE": [{"id": "901", "name": "Reopen request", "to": "Waiting for support", "category": "NEW"}],
        }
        self._ids = itertools.count(1)
        #: The site's knowledge base (GET knowledgebase/article): articles, each linked to desks (empty: every
        #: desk). `knowledge_base = None`: the site has none (the endpoints answer 403, the documented refusal).
        self.knowledge_base: list[dict] | None = []
        for title, excerpt in SEED_ARTICLES:
            self.add_article(title=title, excerpt=excerpt)

    def next_id(self) -> str:
        return str(next(self._ids))

    # -- seeding
    def add_account(self, *, email: str, token: str, scoped: bool = False, admin: bool = True) -> Account:
        account = Account(
            email=email, token=token, account_id=f"svc-{uuid.uuid4().hex[:12]}", scoped=scoped, admin=admin
        )
        self.accounts[email.lower()] = account
        self.users[account.account_id] = {
            "accountId": account.account_id,
            "emailAddress": email,
            "displayName": account.display_name,
            "accountType": "app" if scoped else "atlassian",
            "active": True,
        }
        return account

    def add_service_desk(self, *, name: str, key: str, desk_id: str | None = None) -> dict:
        desk_id = desk_id or self.next_id()
        desk = {"id": desk_id, "projectId": str(10000 + int(desk_id)), "projectKey": key, "projectName": name}
        self.service_desks[desk_id] = desk
        return desk

    def add_service_desks(self, count: int, *, prefix: str = "Desk") -> list[dict]:
        return [self.add_service_desk(name=f"{prefix} {n}", key=f"{prefix[:2].upper()}{n}") for n in range(count)]

    def add_user(
        self, *, email: str, display_name: str = "", account_type: str = "customer", private: bool = False
    ) -> dict:
        """`private`: the profile hides its email (JSM answers `emailAddress: null`, as its privacy setting says)."""
        user = {
            "accountId": f"qm:{uuid.uuid4()}",
            "emailAddress": email,
            "displayName": display_name or email,
            "accountType": account_type,
            "active": True,
            "private": private,
        }
        self.users[user["accountId"]] = user
        return user

    def add_organization(self, name: str) -> dict:
        org = {"id": self.next_id(), "name": name, "users": set()}
        self.organizations[org["id"]] = org
        return org

    def add_request_type(
        self,
        *,
        desk_id: str,
        name: str,
        fields: list | None = None,
        group: str | None = "General",
        icon: str | None = None,
        restricted: bool = False,
        translations: dict | None = None,
    ) -> dict:
        """`translations`: {"de": {"name": ..., "description": ...}} answered for `Accept-Language: de...`
        (the demo's names have German ones built in).
        `icon`: a colour like "#0b5cad" gives the type an icon (served as a PNG of that colour).
        `group=None`: in no request type group (JSM's portal hides it). `restricted`: restrictionStatus
        RESTRICTED (JSM lists it to administrators only)."""
        group_ids = [self._group_id(desk_id, group)] if group is not None else []
        request_type = {
            "id": self.next_id(),
            "name": name,
            "description": f"{name} requests",
            "helpText": "",
            "issueTypeId": "10001",
            "serviceDeskId": desk_id,
            "portalId": desk_id,
            "groupIds": group_ids,
            "restrictionStatus": "RESTRICTED" if restricted else "OPEN",
            "fields": fields if fields is not None else [dict(f) for f in DEFAULT_FIELDS],
        }
        names = {**GERMAN.get(name, {}), **(translations or {})}
        if names:
            request_type["translations"] = names
        if icon:
            icon_id = str(10500 + len(self.icons))
            self.icons[icon_id] = solid_png(icon)
            request_type["icon"] = {"id": icon_id, "_links": {"iconUrls": self.icon_urls(icon_id)}}
        self.request_types[desk_id].append(request_type)
        return request_type

    def _group_id(self, desk_id: str, name: str) -> str:
        groups = self.request_type_groups[desk_id]
        found = next((g for g in groups if g["name"] == name), None)
        if found is None:
            found = {"id": self.next_id(), "name": name}
            groups.append(found)
        return found["id"]

    def add_request(self, *, desk_id: str, request_type_id: str, reporter: str, values: dict) -> Request:
        issue_id = str(20000 + len(self.requests))
        desk = self.service_desks[desk_id]
        key = f"{desk['projectKey']}-{len(self.requests) + 1}"
        request = Request(issue_id, key, desk_id, request_type_id, reporter, dict(values), datetime.now(UTC))
        request.history.append((request.status, request.status_category, request.created))
        request.touch()
        self.requests[key] = request
        return request

    def add_comment(self, *, key: str, body: str, public: bool, author: str, html: str | None = None) -> dict:
        """`html`: what Jira's renderer made of the body (`renderedBody`); by default the body as one paragraph."""
        comment = {"id": self.next_id(), "body": body, "public": public, "author": author, "created": datetime.now(UTC)}
        if html is not None:
            comment["html"] = html
        self.requests[key].comments.append(comment)
        self.requests[key].touch()
        return comment

    def add_approval(self, *, key: str, approvers: list[str], name: str = "Waiting for approval") -> dict:
        """An approval awaiting `approvers` (account ids) on the request; decide it with `decide_approval`."""
        approval = {
            "id": self.next_id(),
            "name": name,
            "approvers": list(approvers),
            "decision": None,
            "decided_by": {},
            "created": datetime.now(UTC),
            "completed": None,
        }
        self.requests[key].approvals.append(approval)
        self.requests[key].touch()
        return approval

    def decide_approval(self, approval: dict, *, account_id: str, decision: str) -> None:
        """`decision`: "approved" or "declined"; one approver's decision completes the approval (JSM's default)."""
        approval["decided_by"][account_id] = decision
        approval["decision"], approval["completed"] = decision, datetime.now(UTC)

    def set_status(self, key: str, status: str, category: str) -> None:
        """Move the request, recording the status it leaves in its history (GET request/{key}/status)."""
        request = self.requests[key]
        request.status, request.status_category = status, category
        request.history.append((status, category, datetime.now(UTC)))
        request.touch()

    def add_attachment(
        self, *, key: str, filename: str, content: bytes, mime: str, author: str, comment: dict | None = None
    ) -> dict:
        """`comment`: the comment the file came with (and whose visibility it has); None: on the request itself."""
        attachment = {
            "id": str(30000 + int(self.next_id())),
            "filename": filename,
            "content": content,
            "mimeType": mime,
            "author": author,
            "created": datetime.now(UTC),
            "comment_id": comment["id"] if comment else None,
        }
        self.requests[key].attachments.append(attachment)
        self.requests[key].touch()
        return attachment

    def icon_urls(self, icon_id: str) -> dict:
        view = f"{self.base_url}/rest/api/2/universal_avatar/view/type/SD_REQTYPE/avatar/{icon_id}"
        return {size: f"{view}?size={name}" for size, name in (("48x48", "large"), ("24x24", "small"))}

    # -- lookups
    def user_by_email(self, email: str) -> dict | None:
        wanted = email.lower()
        return next((u for u in self.users.values() if u["emailAddress"].lower() == wanted), None)

    def desk(self, ref: str) -> dict | None:
        """`{serviceDeskId}` also accepts `projectKey:ABC` and `projectId:10012` (specs README)."""
        if ref.startswith("projectKey:"):
            return next((d for d in self.service_desks.values() if d["projectKey"] == ref[11:]), None)
        if ref.startswith("projectId:"):
            return next((d for d in self.service_desks.values() if d["projectId"] == ref[10:]), None)
        return self.service_desks.get(ref)

    def request_type(self, desk_id: str, type_id: str) -> dict | None:
        return next((t for t in self.request_types[desk_id] if t["id"] == type_id), None)

    # -- DTOs
    def user_dto(self, user: dict) -> dict:
        """JSM `UserDTO`."""
        link = f"{self.base_url}/rest/api/2/user?accountId={user['accountId']}"
        return {
            "accountId": user["accountId"],
            "displayName": user["displayName"],
            "emailAddress": None if user.get("private") else user["emailAddress"],
            "active": user["active"],
            "timeZone": "Etc/UTC",
            "_links": {"jiraRest": link, "self": link, "avatarUrls": {}},
        }

    def platform_user(self, user: dict) -> dict:
        """Platform `User`."""
        return {
            "accountId": user["accountId"],
            "accountType": user["accountType"],
            "active": user["active"],
            "displayName": user["displayName"],
            "emailAddress": None if user.get("private") else user["emailAddress"],
            "self": f"{self.base_url}/rest/api/3/user?accountId={user['accountId']}",
            "timeZone": "Etc/UTC",
        }

    def desk_dto(self, desk: dict) -> dict:
        return {**desk, "_links": {"self": f"{self.base_url}/rest/servicedeskapi/servicedesk/{desk['id']}"}}

    def org_dto(self, org: dict) -> dict:
        link = f"{self.base_url}/rest/servicedeskapi/organization/{org['id']}"
        return {"id": org["id"], "name": org["name"], "_links": {"self": link}}

    def add_article(self, *, title: str, excerpt: str, desk_ids: tuple[str, ...] = ()) -> dict:
        """A Confluence page of the site's knowledge base (`desk_ids`: the desks it is linked to; none: all)."""
        if self.knowledge_base is None:
            self.knowledge_base = []
        page_id = str(8786000 + len(self.knowledge_base))
        article = {"title": title, "excerpt": excerpt, "pageId": page_id, "spaceKey": "KB", "desk_ids": desk_ids}
        self.knowledge_base.append(article)
        return article

    def article_dto(self, article: dict, *, highlight_term: str = "") -> dict:
        """ArticleDTO: title, excerpt (with JSM's @@@hl@@@ marks when asked), source, content.iframeSrc."""

        def marked(text: str) -> str:
            if not highlight_term:
                return text
            return re.sub(
                re.escape(highlight_term), lambda m: f"@@@hl@@@{m.group(0)}@@@endhl@@@", text, flags=re.IGNORECASE
            )

        return {
            "title": marked(article["title"]),
            "excerpt": marked(article["excerpt"]),
            "source": {"type": "confluence", "pageId": article["pageId"], "spaceKey": article["spaceKey"]},
            "content": {
                "iframeSrc": f"{self.base_url}/rest/servicedeskapi/knowledgebase/article/view/{article['pageId']}"
            },
        }

    def request_type_dto(self, request_type: dict, *, language: str = "") -> dict:
        """`language`: the caller's Accept-Language; a type with a name in that language answers with it."""
        translated = (request_type.get("translations") or {}).get(language.split(",")[0].split("-")[0].strip().lower())
        dto = {k: v for k, v in request_type.items() if k not in ("fields", "translations")}
        dto.update(translated or {})
        dto["_links"] = {"self": f"{self.base_url}/rest/servicedeskapi/servicedesk/{request_type['serviceDeskId']}"}
        return dto

    @staticmethod
    def rendered(given: str | None, text: str) -> str:
        """Jira's renderer, stood in for: the HTML a test gave, else the text escaped, one paragraph per line."""
        if given is not None:
            return given

        def marks(line: str) -> str:  # Jira's *bold* and _italic_, as its renderer writes them
            line = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"<b>\1</b>", html.escape(line))
            return re.sub(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", r"<em>\1</em>", line)

        return "".join(f"<p>{marks(line)}</p>" for line in str(text).split("\n") if line.strip())

    def _field_value(self, request: Request, field_id: str, value) -> dict:
        """As JSM answers: the field's name as label; options as {id, value} with their label."""
        request_type = self.request_type(request.desk_id, request.request_type_id) or {"fields": []}
        meta = next((f for f in request_type["fields"] if f["fieldId"] == field_id), None)
        labels = {v["value"]: v["label"] for v in (meta or {}).get("validValues", [])}

        children = {
            c["value"]: c["label"] for v in (meta or {}).get("validValues", []) for c in v.get("children") or []
        }
        organizations = (meta or {}).get("jiraSchema", {}).get("custom", "").endswith(":sd-customer-organizations")

        def option(v):
            if organizations and str(v) in self.organizations:
                return self.org_dto(self.organizations[str(v)])
            if not (isinstance(v, dict) and "id" in v):
                return v
            shown = {"id": v["id"], "value": labels.get(v["id"], v["id"])}
            if isinstance(v.get("child"), dict):
                child = v["child"].get("id")
                shown["child"] = {"id": child, "value": children.get(child, child)}
            return shown

        shown = [option(v) for v in value] if isinstance(value, list) else option(value)
        dto = {"fieldId": field_id, "label": (meta or {}).get("name") or field_id.title(), "value": shown}
        if isinstance(value, str) and field_id != "summary":
            dto["renderedValue"] = {"html": self.rendered(request.rendered.get(field_id), value)}
        return dto

    def request_dto(self, request: Request) -> dict:
        values = [self._field_value(request, k, v) for k, v in request.values.items()]
        return {
            "issueId": request.issue_id,
            "issueKey": request.key,
            "requestTypeId": request.request_type_id,
            "serviceDeskId": request.desk_id,
            "createdDate": date_dto(request.created),
            "reporter": self.user_dto(self.users[request.reporter]),
            "requestFieldValues": values,
            "currentStatus": {
                "status": request.status,
                "statusCategory": request.status_category,
                "statusDate": date_dto(request.updated or request.created),
            },
            "_links": {"self": f"{self.base_url}/rest/servicedeskapi/request/{request.issue_id}"},
        }

    def approval_dto(self, request: Request, approval: dict) -> dict:
        """JSM `ApprovalDTO`, as the service account (an agent, never the approver) reads it."""
        approvers = [
            {
                "approver": self.user_dto(self.users[a]),
                "approverDecision": approval["decided_by"].get(a, "pending"),
            }
            for a in approval["approvers"]
        ]
        dto = {
            "id": approval["id"],
            "name": approval["name"],
            "finalDecision": approval["decision"] or "pending",
            "canAnswerApproval": False,
            "approvers": approvers,
            "createdDate": date_dto(approval["created"]),
            "_links": {"self": f"{self.base_url}/rest/servicedeskapi/request/{request.key}/approval/{approval['id']}"},
        }
        if approval["completed"]:
            dto["completedDate"] = date_dto(approval["completed"])
        return dto

    def attachment_dto(self, request: Request, attachment: dict) -> dict:
        """JSM `AttachmentDTO` (no id field: it is the last segment of `_links.jiraRest`)."""
        content = f"{self.base_url}/rest/servicedeskapi/request/{request.key}/attachment/{attachment['id']}"
        return {
            "filename": attachment["filename"],
            "mimeType": attachment["mimeType"],
            "size": len(attachment["content"]),
            "author": self.user_dto(self.users[attachment["author"]]),
            "created": date_dto(attachment["created"]),
            "_links": {"content": content, "jiraRest": f"{self.base_url}/rest/api/2/attachment/{attachment['id']}"},
        }

    def comment_dto(self, comment: dict, request: Request | None = None, query: dict | None = None) -> dict:
        """JSM `CommentDTO`; with `request`, its attachments as a first page (expand=attachment)."""
        dto = {
            "id": comment["id"],
            "body": comment["body"],
            "public": comment["public"],
            "author": self.user_dto(self.users[comment["author"]]),
            "created": date_dto(comment["created"]),
            "_links": {"self": f"{self.base_url}/rest/servicedeskapi/comment/{comment['id']}"},
        }
        if request is not None:
            files = [self.attachment_dto(request, a) for a in self.comment_attachments(request, comment)]
            path = f"/rest/servicedeskapi/request/{request.key}/comment/{comment['id']}/attachment"
            dto["attachments"] = self.page(files, query or {}, path)
        return dto

    def comment_attachments(self, request: Request, comment: dict) -> list[dict]:
        return [a for a in request.attachments if a.get("comment_id") == comment["id"]]

    def page(self, values: list, query: dict, path: str) -> dict:
        """JSM paging: `start`/`limit`, `limit` silently capped at `max_limit`."""
        start = max(0, int(query.get("start", 0) or 0))
        limit = min(max(1, int(query.get("limit", self.max_limit) or self.max_limit)), self.max_limit)
        chunk = values[start : start + limit]
        links = {"base": f"{self.base_url}/rest/servicedeskapi", "context": "", "self": self.base_url + path}
        return {
            "_expands": [],
            "size": len(chunk),
            "start": start,
            "limit": limit,
            "isLastPage": start + limit >= len(values),
            "values": chunk,
            "_links": links,
        }
