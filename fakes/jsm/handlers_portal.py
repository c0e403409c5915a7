"""Fake routes for the rest of the hosted portal: temporary files and request attachments, request
participants, customer transitions, and the platform's JQL search (POST /rest/api/3/search/jql).

The JQL parser understands exactly the clauses the gateway writes (portal/selectors.py) and answers
400 like Jira for anything else, so a change in the gateway's query cannot pass unnoticed.
"""

import base64
import re
import secrets

from fakes.jsm.handlers_requests import _request
from fakes.jsm.routing import JSM, _account_ids, _caller, _desk, _reply, route
from fakes.jsm.state import date_dto

#: Jira Cloud's default attachment limit is configurable; the fake refuses bigger files with 413.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@route("POST", JSM + "/servicedesk/{desk}/attachTemporaryFile")
def attach_temporary_file(state, exchange, desk):
    desk_id = _desk(state, desk)["id"]
    if exchange.headers.get("X-Atlassian-Token") != "no-check":
        raise _reply(403, "XSRF check failed: send X-Atlassian-Token: no-check.")
    parts = [p for p in exchange.files if p["name"] == "file"]
    if not parts:
        raise _reply(400, "The multipart parameter that contains the attachments must be named 'file'.")
    if any(len(p["content"]) > MAX_ATTACHMENT_BYTES for p in parts):
        raise _reply(413, "The attachment exceeds the maximum configured attachment size.")
    made = []
    for part in parts:
        temp_id = f"temp{state.next_id()}{len(state.temporary_attachments)}"
        state.temporary_attachments[temp_id] = {**part, "desk_id": desk_id, "owner": exchange.authenticated_as}
        made.append({"temporaryAttachmentId": temp_id, "fileName": part["filename"]})
    return 201, {"temporaryAttachments": made}, {}


@route("POST", JSM + "/request/{key}/attachment")
def request_attach(state, exchange, key):
    """As JSM: a comment carrying the files (and `additionalComment`), as visible as `public` says."""
    request = _request(state, key)
    body = exchange.body or {}
    ids = body.get("temporaryAttachmentIds") or []
    temps = [state.temporary_attachments.get(i) for i in ids]
    if not ids or any(t is None or t["desk_id"] != request.desk_id for t in temps):
        raise _reply(400, "The temporary attachment does not exist or belongs to another service desk.")
    text = ((body.get("additionalComment") or {}).get("body") or "").strip()
    references = " ".join(f"[^{t['filename']}]" for t in temps)
    comment = state.add_comment(
        key=request.key,
        body=f"{text}\n\n{references}" if text else references,
        public=body.get("public", True) is not False,
        author=exchange.authenticated_as,
    )
    added = []
    for temp_id, temp in zip(ids, temps, strict=True):
        del state.temporary_attachments[temp_id]
        attachment = state.add_attachment(
            key=request.key,
            filename=temp["filename"],
            content=temp["content"],
            mime=temp["content_type"],
            author=exchange.authenticated_as,
            comment=comment,
        )
        added.append(state.attachment_dto(request, attachment))
    answer = {"attachments": state.page(added, {}, exchange.path), "comment": state.comment_dto(comment, request)}
    return 201, answer, {}


@route("GET", JSM + "/request/{key}/attachment")
def request_attachments(state, exchange, key):
    request = _request(state, key)
    files = [state.attachment_dto(request, a) for a in request.attachments]
    return 200, state.page(files, exchange.query, exchange.path), {}


@route("GET", JSM + "/request/{key}/attachment/{attachment_id}")
def request_attachment_content(state, exchange, key, attachment_id):
    request = _request(state, key)
    found = next((a for a in request.attachments if a["id"] == attachment_id), None)
    if found is None:
        raise _reply(404, "The attachment does not exist.")
    token = secrets.token_urlsafe(12)
    state.media[token] = found
    return 303, None, {"Location": f"{state.base_url}/media/{token}"}


@route("GET", JSM + "/request/{key}/participant")
def participants(state, exchange, key):
    users = [state.user_dto(state.users[a]) for a in _request(state, key).participants]
    return 200, state.page(users, exchange.query, exchange.path), {}


@route("POST", JSM + "/request/{key}/participant")
def participants_add(state, exchange, key):
    request = _request(state, key)
    for account_id in _account_ids(state, exchange):
        if account_id not in request.participants and account_id != request.reporter:
            request.participants.append(account_id)
    request.touch()
    users = [state.user_dto(state.users[a]) for a in request.participants]
    return 200, state.page(users, {}, exchange.path), {}


@route("DELETE", JSM + "/request/{key}/participant")
def participants_remove(state, exchange, key):
    request = _request(state, key)
    for account_id in _account_ids(state, exchange):
        if account_id in request.participants:
            request.participants.remove(account_id)
    request.touch()
    users = [state.user_dto(state.users[a]) for a in request.participants]
    return 200, state.page(users, {}, exchange.path), {}


@route("GET", JSM + "/request/{key}/approval")
def approvals(state, exchange, key):
    request = _request(state, key)
    values = [state.approval_dto(request, a) for a in request.approvals]
    return 200, state.page(values, exchange.query, exchange.path), {}


@route("GET", JSM + "/request/{key}/status")
def status_history(state, exchange, key):
    """Every status the request was in, the most recent first (as JSM lists them)."""
    request = _request(state, key)
    values = [
        {"status": status, "statusCategory": category, "statusDate": date_dto(when)}
        for status, category, when in reversed(request.history)
    ]
    return 200, state.page(values, exchange.query, exchange.path), {}


@route("GET", JSM + "/request/{key}/transition")
def transitions(state, exchange, key):
    offered = state.transitions.get(_request(state, key).status_category, [])
    values = [{"id": t["id"], "name": t["name"]} for t in offered]
    return 200, state.page(values, exchange.query, exchange.path), {}


@route("POST", JSM + "/request/{key}/transition")
def transition(state, exchange, key):
    request = _request(state, key)
    body = exchange.body or {}
    chosen = next((t for t in state.transitions.get(request.status_category, []) if t["id"] == body.get("id")), None)
    if chosen is None:
        raise _reply(400, "The transition ID is invalid.")
    state.set_status(request.key, chosen["to"], chosen["category"])
    comment = ((body.get("additionalComment") or {}).get("body") or "").strip()
    if comment:
        state.add_comment(key=request.key, body=comment, public=True, author=_caller(state, exchange).account_id)
    request.touch()
    return 204, None, {}


@route("GET", "/rest/api/2/universal_avatar/view/type/SD_REQTYPE/avatar/{icon_id}")
def request_type_icon(state, exchange, icon_id):
    if icon_id not in state.icons:
        raise _reply(404, "The avatar does not exist.")
    return 200, state.icons[icon_id], {"Content-Type": "image/png"}


# -- platform: JQL search (the enhanced search endpoint, paged by nextPageToken)
TERM = r'"((?:[^"\\]|\\.)*)"'
FIELDS = rf"\(summary ~ {TERM} OR description ~ {TERM}\)"
CLAUSES = [
    ("project", re.compile(r'^project in \(((?:"[A-Z][A-Z0-9_]*"(?:, )?)+)\)$')),
    ("request_type", re.compile(rf'^"Request Type" = {TERM}$')),
    ("issuekey", re.compile(rf"^issuekey = {TERM}$")),
    ("category", re.compile(r"^statusCategory (=|!=) Done$")),
    ("text", re.compile(rf"^text ~ {TERM}$")),
    ("fields", re.compile(rf"^{FIELDS}$")),
    ("not_fields", re.compile(rf"^NOT {FIELDS}$")),
    ("comment", re.compile(rf"^comment ~ {TERM}$")),
    ("party", re.compile(r"^\((.+)\)$")),  # last: the parenthesised fields clause above is not a party
]
#: " AND " outside double quotes (a searched phrase may contain the word).
AND = re.compile(r' AND (?=(?:[^"\\]|\\.|"(?:[^"\\]|\\.)*")*$)')


def parse_jql(jql: str) -> dict:
    """The gateway's JQL: `clause AND clause ... ORDER BY updated DESC`; anything else is a 400."""
    body, _, order = jql.partition(" ORDER BY ")
    if order not in ("", "updated DESC"):
        raise _reply(400, "Error in the JQL Query: unsupported ORDER BY.")
    found = {}
    for clause in [c.strip() for c in AND.split(body)]:
        for name, pattern in CLAUSES:
            match = pattern.match(clause)
            if match and name not in found:
                found[name] = match.groups()
                break
        else:
            raise _reply(400, f"Error in the JQL Query: cannot parse {clause[:60]!r}.")
    if "project" not in found:
        raise _reply(400, "Unbounded JQL queries are not allowed here.")
    return found


def _matches(state, request, query: dict) -> bool:
    keys = re.findall(r'"([^"]+)"', query["project"][0])
    if state.service_desks[request.desk_id]["projectKey"] not in keys:
        return False
    if "party" in query and not _party(state, request, query["party"][0]):
        return False
    if "request_type" in query:
        kind = state.request_type(request.desk_id, request.request_type_id) or {}
        if kind.get("name", "").lower() != _unquote(query["request_type"][0]).lower():
            return False
    if "issuekey" in query and request.key != _unquote(query["issuekey"][0]):
        return False
    if "category" in query and (request.status_category == "DONE") != (query["category"][0] == "="):
        return False
    summary, description = str(request.values.get("summary", "")), str(request.values.get("description", ""))
    comments = [c["body"] for c in request.comments]  # every comment: the service account is an agent
    tests = {
        "text": lambda term: _found(term, [str(v) for v in request.values.values()] + comments),
        "fields": lambda term, _: _found(term, [summary, description]),
        "not_fields": lambda term, _: not _found(term, [summary, description]),
        "comment": lambda term: _found(term, comments),
    }
    return all(test(*query[name]) for name, test in tests.items() if name in query)


#: The "whose request" alternatives the gateway ORs together (portal/selectors.py, party_jql).
PARTY = [
    ("reporter", re.compile(rf"^reporter = {TERM}$")),
    ("participant", re.compile(rf'^"Request participants" = {TERM}$')),
    ("organizations", re.compile(r'^Organizations in \(((?:"(?:[^"\\]|\\.)*"(?:, )?)+)\)$')),
    ("pending", re.compile(rf"^approval = pendingBy\({TERM}\)$")),
    ("approver", re.compile(rf"^approval = approver\({TERM}\)$")),
]
OR = re.compile(r' OR (?=(?:[^"\\]|\\.|"(?:[^"\\]|\\.)*")*$)')


def _unquote(term: str) -> str:
    return re.sub(r"\\(.)", r"\1", term)


def _party(state, request, group: str) -> bool:
    """`(a OR b ...)` of PARTY clauses; anything else is a 400 (the fake parses only what the gateway writes)."""
    for clause in OR.split(group):
        parsed = next(((n, m) for n, p in PARTY if (m := p.match(clause.strip()))), None)
        if parsed is None:
            raise _reply(400, f"Error in the JQL Query: cannot parse {clause[:60]!r}.")
        if _party_matches(state, request, parsed[0], parsed[1].group(1)):
            return True
    return False


def _party_matches(state, request, name: str, value: str) -> bool:
    if name == "organizations":
        wanted = {_unquote(n).lower() for n in re.findall(r'"((?:[^"\\]|\\.)*)"', value)}
        names = {state.organizations[o]["name"].lower() for o in request.organizations if o in state.organizations}
        return bool(wanted & names)
    account = _unquote(value)
    if name == "reporter":
        return request.reporter == account
    if name == "participant":
        return account in request.participants
    approvals = request.approvals
    if name == "pending":
        return any(a["decision"] is None and account in a["approvers"] for a in approvals)
    return any(account in a["approvers"] for a in approvals)


def _found(term: str, texts: list[str]) -> bool:
    """Jira's `~`: every word of the term, case-insensitively, in one of the texts."""
    words = re.sub(r"\\(.)", r"\1", term).lower().split()
    return any(all(w in t.lower() for w in words) for t in texts)


def issue_bean(state, request) -> dict:
    desk = state.service_desks[request.desk_id]
    return {
        "id": request.issue_id,
        "key": request.key,
        "self": f"{state.base_url}/rest/api/3/issue/{request.issue_id}",
        "fields": {
            "summary": request.values.get("summary", ""),
            "status": {"name": request.status, "statusCategory": {"key": request.status_category.lower()}},
            "created": date_dto(request.created)["jira"],
            "updated": date_dto(request.updated or request.created)["jira"],
            "project": {"key": desk["projectKey"], "name": desk["projectName"]},
        },
    }


@route("POST", "/rest/api/3/search/jql")
def search_jql(state, exchange):
    body = exchange.body or {}
    query = parse_jql(body.get("jql") or "")
    found = sorted(
        (r for r in state.requests.values() if _matches(state, r, query)),
        key=lambda r: r.updated or r.created,
        reverse=True,
    )
    token = body.get("nextPageToken") or ""
    start = int(base64.b64decode(token).decode()) if token else 0
    size = min(int(body.get("maxResults") or 50), state.max_limit)
    page = found[start : start + size]
    answer = {"issues": [issue_bean(state, r) for r in page]}
    if start + size < len(found):
        answer["nextPageToken"] = base64.b64encode(str(start + size).encode()).decode()
    return 200, answer, {}
