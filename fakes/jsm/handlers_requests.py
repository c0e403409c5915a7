"""Fake routes for what the hosted portal uses: request type groups, request types and their
fields, customer requests (raised on behalf of a customer) and their public/internal comments.
"""

import re

from fakes.jsm.routing import JSM, _caller, _desk, _reply, route

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{4}|Z)$")


def _request_type(state, desk_id, type_id):
    found = state.request_type(desk_id, type_id)
    if found is None:
        raise _reply(404, "The request type does not exist.")
    return found


def _request(state, key):
    found = state.requests.get(key) or next((r for r in state.requests.values() if r.issue_id == key), None)
    if found is None:
        raise _reply(404, "The request does not exist or you do not have permission to see it.")
    return found


@route("GET", JSM + "/servicedesk/{desk}/requesttypegroup")
def request_type_groups(state, exchange, desk):
    groups = state.request_type_groups[_desk(state, desk)["id"]]
    return 200, state.page(list(groups), exchange.query, exchange.path), {}


@route("GET", JSM + "/servicedesk/{desk}/requesttype")
def request_types(state, exchange, desk):
    """`groupId` and `restrictionStatus` (open/restricted) filter; restricted types are listed to admins only."""
    types = state.request_types[_desk(state, desk)["id"]]
    group = exchange.query.get("groupId")
    wanted = exchange.query.get("restrictionStatus", "").upper()
    admin = _caller(state, exchange).admin
    types = [
        state.request_type_dto(t, language=_language(exchange))
        for t in types
        if (not group or group in t["groupIds"])
        and (not wanted or t["restrictionStatus"] == wanted)
        and (admin or t["restrictionStatus"] != "RESTRICTED")
    ]
    return 200, state.page(types, exchange.query, exchange.path), {}


@route("GET", JSM + "/servicedesk/{desk}/requesttype/{type_id}")
def request_type(state, exchange, desk, type_id):
    found = _request_type(state, _desk(state, desk)["id"], type_id)
    return 200, state.request_type_dto(found, language=_language(exchange)), {}


def _language(exchange) -> str:
    return exchange.headers.get("Accept-Language", "")


def _articles(state, exchange, desk_id: str | None) -> tuple[int, dict, dict]:
    """GET knowledgebase/article (every desk) or servicedesk/{id}/knowledgebase/article: articles whose title or
    excerpt holds the query (every word), paged; `highlight=true` marks the query in JSM's @@@hl@@@ syntax."""
    if state.knowledge_base is None:  # the documented answers are 200, 400, 401, 403, 500: a refusal
        raise _reply(403, "No knowledge base is linked to this service desk.")
    query = (exchange.query.get("query") or "").strip()
    if not query:
        raise _reply(400, "The query parameter is required.")
    words = query.lower().split()
    found = [
        a
        for a in state.knowledge_base
        if (desk_id is None or not a["desk_ids"] or desk_id in a["desk_ids"])
        and all(w in (a["title"] + " " + a["excerpt"]).lower() for w in words)
    ]
    highlight = query if exchange.query.get("highlight", "false").lower() == "true" and len(words) == 1 else ""
    values = [state.article_dto(a, highlight_term=highlight) for a in found]
    return 200, state.page(values, exchange.query, exchange.path), {}


@route("GET", JSM + "/knowledgebase/article")
def articles(state, exchange):
    return _articles(state, exchange, None)


@route("GET", JSM + "/servicedesk/{desk}/knowledgebase/article")
def desk_articles(state, exchange, desk):
    return _articles(state, exchange, _desk(state, desk)["id"])


@route("GET", JSM + "/servicedesk/{desk}/requesttype/{type_id}/field")
def request_type_fields(state, exchange, desk, type_id):
    found = _request_type(state, _desk(state, desk)["id"], type_id)
    meta = {"requestTypeFields": found["fields"], "canRaiseOnBehalfOf": True, "canAddRequestParticipants": True}
    return 200, meta, {}


def _may_raise(state, desk_id: str, account_id: str) -> bool:
    if account_id in state.desk_customers[desk_id]:
        return True
    return any(account_id in state.organizations[o]["users"] for o in state.desk_organizations[desk_id])


@route("POST", JSM + "/request")
def request_create(state, exchange):
    body = exchange.body or {}
    desk = _desk(state, str(body.get("serviceDeskId", "")))
    found = _request_type(state, desk["id"], str(body.get("requestTypeId", "")))
    reporter = body.get("raiseOnBehalfOf") or exchange.authenticated_as
    if reporter not in state.users:
        raise _reply(400, "The reporter specified is not a valid user.")
    if reporter != exchange.authenticated_as and not _may_raise(state, desk["id"], reporter):
        raise _reply(400, "The customer does not have permission to raise requests in this service desk.")
    values = body.get("requestFieldValues") or {}
    missing = [f["name"] for f in found["fields"] if f.get("required") and not values.get(f["fieldId"])]
    if missing:
        raise _reply(400, "Your request could not be created. " + ", ".join(f"{m} is required." for m in missing))
    for field_id, value in values.items():
        problem = _format_problem(found["fields"], field_id, value)
        if problem:
            raise _reply(400, f"Your request could not be created. {problem}")
    participants = body.get("requestParticipants") or []
    if any(p not in state.users for p in participants):
        raise _reply(400, "Your request could not be created. A request participant is not a valid user.")
    temporary = _temporary_files(state, desk["id"], values.get("attachment"))
    values = {k: v for k, v in values.items() if k != "attachment"}
    request = state.add_request(desk_id=desk["id"], request_type_id=found["id"], reporter=reporter, values=values)
    request.participants.extend(p for p in participants if p not in request.participants)
    request.organizations.extend(str(o) for o in _organization_ids(found["fields"], values))
    for temp_id, temp in temporary:  # files sent in the create call belong to the request, by its reporter
        del state.temporary_attachments[temp_id]
        state.add_attachment(
            key=request.key, filename=temp["filename"], content=temp["content"], mime=temp["content_type"],
            author=reporter,
        )  # fmt: skip
    return 201, state.request_dto(request), {}


def _temporary_files(state, desk_id: str, ids) -> list:
    """`requestFieldValues.attachment`: temporary attachment ids of this desk; any other is a 400 (nothing made)."""
    if ids in (None, []):
        return []
    if not isinstance(ids, list) or any(not isinstance(i, str) for i in ids):
        raise _reply(400, "Your request could not be created. Attachment: a list of temporary attachment ids.")
    found = [(i, state.temporary_attachments.get(i)) for i in ids]
    if any(temp is None or temp["desk_id"] != desk_id for _, temp in found):
        raise _reply(400, "Your request could not be created. The temporary attachment does not exist.")
    return found


def _organization_ids(fields: list, values: dict) -> list:
    ids = []
    for meta in fields:
        if (meta.get("jiraSchema") or {}).get("custom", "").endswith(":sd-customer-organizations"):
            ids += values.get(meta["fieldId"]) or []
    return ids


def _format_problem(fields: list, field_id: str, value) -> str:
    """JSM's field input formats: options as {"id"}, numbers as numbers, dates as YYYY-MM-DD, ..."""
    meta = next((f for f in fields if f["fieldId"] == field_id), None)
    if meta is None:
        return f"Field '{field_id}' cannot be set. It is not on the appropriate screen, or unknown."
    schema = meta.get("jiraSchema") or {}
    kind, items = schema.get("type"), schema.get("items")
    ids = {v["value"] for v in meta.get("validValues", [])}
    custom = schema.get("custom", "").rpartition(":")[2]
    if kind == "option-with-child":
        return _cascading_problem(meta, value)
    if custom == "sd-customer-organizations":
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            return f"{meta['name']}: a list of organization ids."
        return ""
    if kind == "user" or (kind == "array" and items == "user"):
        chosen = value if kind == "array" else [value]
        if not isinstance(chosen, list) or any(not isinstance(c, dict) or "accountId" not in c for c in chosen):
            return f"{meta['name']}: users are given by accountId."
        return ""
    if kind == "array" and items == "attachment":
        return ""
    if kind in ("option", "version") or (kind == "array" and items == "option"):
        chosen = value if kind == "array" else [value]
        if not isinstance(chosen, list) or any(not isinstance(c, dict) or c.get("id") not in ids for c in chosen):
            return f"Specify a valid option for {meta['name']}."
    elif kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"{meta['name']} must be a number."
    elif kind == "date" and not (isinstance(value, str) and DATE.match(value)):
        return f"{meta['name']}: enter the date as YYYY-MM-DD."
    elif kind == "datetime" and not (isinstance(value, str) and DATETIME.match(value)):
        return f"{meta['name']}: enter the date and time in ISO 8601 with an offset."
    elif kind == "array" and items == "string":
        if not isinstance(value, list) or any(not isinstance(v, str) or not v or " " in v for v in value):
            return f"{meta['name']}: labels are a list of words without spaces."
    elif kind == "string" and not isinstance(value, str):
        return f"{meta['name']} must be text."
    return ""


def _cascading_problem(meta: dict, value) -> str:
    """A cascading select: {"id": parent} or {"id": parent, "child": {"id": child}} among `validValues[].children`."""
    parents = {v["value"]: v for v in meta.get("validValues", [])}
    if not isinstance(value, dict) or value.get("id") not in parents:
        return f"Specify a valid option for {meta['name']}."
    child = value.get("child")
    if child is not None:
        children = {c["value"] for c in parents[value["id"]].get("children") or []}
        if not isinstance(child, dict) or child.get("id") not in children:
            return f"Specify a valid child option for {meta['name']}."
    return ""


@route("GET", JSM + "/request")
def requests_list(state, exchange):
    query = exchange.query
    ownership = query.get("requestOwnership", "OWNED_REQUESTS")
    found = list(state.requests.values())
    me = exchange.authenticated_as
    if ownership == "OWNED_REQUESTS":
        found = [r for r in found if r.reporter == me]
    elif ownership == "PARTICIPATED_REQUESTS":
        found = [r for r in found if me in r.participants]
    if query.get("serviceDeskId"):
        found = [r for r in found if r.desk_id == query["serviceDeskId"]]
    if query.get("requestTypeId"):
        found = [r for r in found if r.request_type_id == query["requestTypeId"]]
    if query.get("searchTerm"):
        term = query["searchTerm"].lower()
        found = [r for r in found if term in str(r.values.get("summary", "")).lower()]
    found.sort(key=lambda r: r.created, reverse=True)
    return 200, state.page([state.request_dto(r) for r in found], query, exchange.path), {}


@route("GET", JSM + "/request/{key}")
def request_get(state, exchange, key):
    """`expand` (comma-separated): participant, attachment, action, status (JSM's CustomerRequestDTO)."""
    request = _request(state, key)
    dto = state.request_dto(request)
    expand = set(exchange.query.get("expand", "").split(","))
    if "participant" in expand:
        users = [state.user_dto(state.users[a]) for a in request.participants]
        dto["participants"] = state.page(users, {}, f"/rest/servicedeskapi/request/{request.key}/participant")
    if "attachment" in expand:
        files = [state.attachment_dto(request, a) for a in request.attachments]
        dto["attachments"] = state.page(files, {}, f"/rest/servicedeskapi/request/{request.key}/attachment")
    if "action" in expand:
        dto["actions"] = {name: {"allowed": True} for name in ("addAttachment", "addComment", "addParticipant")}
        dto["actions"]["removeParticipant"] = {"allowed": state.remove_participant_allowed}
    return 200, dto, {}


@route("GET", JSM + "/request/{key}/comment")
def comments(state, exchange, key):
    """`public`/`internal` choose which comments; `expand=attachment` adds each one's files (a first page)."""
    public = exchange.query.get("public", "true") != "false"
    internal = exchange.query.get("internal", "true") != "false"
    request = _request(state, key)
    found = [c for c in request.comments if (c["public"] and public) or (not c["public"] and internal)]
    expand = exchange.query.get("expand", "").split(",")
    with_files = request if "attachment" in expand else None
    values = [state.comment_dto(c, with_files) for c in found]
    if "renderedBody" in expand:
        for value, comment in zip(values, found, strict=True):
            value["renderedBody"] = {"html": state.rendered(comment.get("html"), comment["body"])}
    return 200, state.page(values, exchange.query, exchange.path), {}


@route("GET", JSM + "/request/{key}/comment/{comment_id}/attachment")
def comment_attachments(state, exchange, key, comment_id):
    request = _request(state, key)
    comment = next((c for c in request.comments if c["id"] == comment_id), None)
    if comment is None:
        raise _reply(404, "The comment does not exist.")
    files = [state.attachment_dto(request, a) for a in state.comment_attachments(request, comment)]
    return 200, state.page(files, exchange.query, exchange.path), {}


@route("POST", JSM + "/request/{key}/comment")
def comment_create(state, exchange, key):
    body = exchange.body or {}
    if not (body.get("body") or "").strip():
        raise _reply(400, "The comment body is required.")
    request = _request(state, key)
    author = _caller(state, exchange).account_id
    comment = state.add_comment(key=request.key, body=body["body"], public=body.get("public", True), author=author)
    return 201, state.comment_dto(comment), {}


# -- attachments, participants, customer transitions, JQL search: see handlers_portal.py
