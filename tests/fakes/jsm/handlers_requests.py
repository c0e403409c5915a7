"""Fake routes for what the hosted portal uses: request type groups, request types and their
fields, customer requests (raised on behalf of a customer) and their public/internal comments.
"""

from tests.fakes.jsm.handlers import JSM, _caller, _desk, _reply, route


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
    types = state.request_types[_desk(state, desk)["id"]]
    group = exchange.query.get("groupId")
    types = [state.request_type_dto(t) for t in types if not group or group in t["groupIds"]]
    return 200, state.page(types, exchange.query, exchange.path), {}


@route("GET", JSM + "/servicedesk/{desk}/requesttype/{type_id}")
def request_type(state, exchange, desk, type_id):
    return 200, state.request_type_dto(_request_type(state, _desk(state, desk)["id"], type_id)), {}


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
    request = state.add_request(desk_id=desk["id"], request_type_id=found["id"], reporter=reporter, values=values)
    return 201, state.request_dto(request), {}


@route("GET", JSM + "/request")
def requests_list(state, exchange):
    query = exchange.query
    ownership = query.get("requestOwnership", "OWNED_REQUESTS")
    found = list(state.requests.values())
    if ownership == "OWNED_REQUESTS":
        found = [r for r in found if r.reporter == exchange.authenticated_as]
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
    return 200, state.request_dto(_request(state, key)), {}


@route("GET", JSM + "/request/{key}/comment")
def comments(state, exchange, key):
    public = exchange.query.get("public", "true") != "false"
    internal = exchange.query.get("internal", "true") != "false"
    found = [c for c in _request(state, key).comments if (c["public"] and public) or (not c["public"] and internal)]
    return 200, state.page([state.comment_dto(c) for c in found], exchange.query, exchange.path), {}


@route("POST", JSM + "/request/{key}/comment")
def comment_create(state, exchange, key):
    body = exchange.body or {}
    if not (body.get("body") or "").strip():
        raise _reply(400, "The comment body is required.")
    request = _request(state, key)
    author = _caller(state, exchange).account_id
    comment = state.add_comment(key=request.key, body=body["body"], public=body.get("public", True), author=author)
    return 201, state.comment_dto(comment), {}
