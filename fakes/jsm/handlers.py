"""Route handlers of the fake: each takes (state, exchange, **path params) and returns
(status, body, headers) or raises routing.Reply. Shapes: ../shared/specs/*.openapi.json.
"""

from fakes.jsm.routing import JSM, _account_ids, _caller, _desk, _need_admin, _reply, route


# -- platform
@route("GET", "/rest/api/3/myself")
def myself(state, exchange):
    return 200, state.platform_user(state.users[exchange.authenticated_as]), {}


@route("GET", "/rest/api/3/mypermissions")
def mypermissions(state, exchange):
    keys = [k for k in exchange.query.get("permissions", "").split(",") if k]
    if not keys:
        raise _reply(400, "The permissions query parameter is required.")
    admin = _caller(state, exchange).admin
    perms = {
        key: {
            "id": str(n),
            "key": key,
            "name": key.title(),
            "type": "GLOBAL",
            "description": key,
            "havePermission": admin,
        }
        for n, key in enumerate(keys)
    }
    return 200, {"permissions": perms}, {}


@route("GET", "/rest/api/3/user/search")
def user_search(state, exchange):
    """Prefix match on email and on each word of the display name; empty without Browse users."""
    query = (exchange.query.get("query") or "").lower()
    start = int(exchange.query.get("startAt", 0) or 0)
    size = min(int(exchange.query.get("maxResults", 50) or 50), state.max_limit)
    if not state.browse_users or not query:
        return 200, [], {}
    found = [
        u
        for u in state.users.values()
        if u["emailAddress"].lower().startswith(query)
        or any(w.startswith(query) for w in u["displayName"].lower().split())
    ]
    return 200, [state.platform_user(u) for u in found[start : start + size]], {}


# -- service desks
@route("GET", JSM + "/servicedesk")
def service_desks(state, exchange):
    desks = [state.desk_dto(d) for d in sorted(state.service_desks.values(), key=lambda d: int(d["id"]))]
    return 200, state.page(desks, exchange.query, exchange.path), {}


@route("GET", JSM + "/servicedesk/{desk}")
def service_desk(state, exchange, desk):
    return 200, state.desk_dto(_desk(state, desk)), {}


# -- customers
@route("POST", JSM + "/customer")
def customer_create(state, exchange):
    _need_admin(state, exchange)
    body = exchange.body or {}
    email = (body.get("email") or "").strip()
    if "@" not in email:
        raise _reply(400, "Enter a valid email address.")
    if state.user_by_email(email):
        strict = exchange.query.get("strictConflictStatusCode") == "true"
        raise _reply(409 if strict else 400, "An account already exists for this email.")
    user = state.add_user(email=email, display_name=body.get("displayName") or body.get("fullName") or email)
    return 201, state.user_dto(user), {}


@route("GET", JSM + "/servicedesk/{desk}/customer")
def desk_customers(state, exchange, desk):
    if exchange.headers.get("X-Experimentalapi") != "opt-in":
        raise _reply(412, "This is an experimental API: send X-ExperimentalApi: opt-in.")
    ids = sorted(state.desk_customers[_desk(state, desk)["id"]])
    query = (exchange.query.get("query") or "").lower()
    users = [state.users[i] for i in ids]
    users = [u for u in users if not query or query in u["emailAddress"].lower() or query in u["displayName"].lower()]
    return 200, state.page([state.user_dto(u) for u in users], exchange.query, exchange.path), {}


@route("POST", JSM + "/servicedesk/{desk}/customer")
def desk_customers_add(state, exchange, desk):
    _need_admin(state, exchange)
    state.desk_customers[_desk(state, desk)["id"]].update(_account_ids(state, exchange))
    return 204, None, {}


@route("DELETE", JSM + "/servicedesk/{desk}/customer")
def desk_customers_remove(state, exchange, desk):
    if exchange.headers.get("X-Experimentalapi") != "opt-in":
        raise _reply(412, "This is an experimental API: send X-ExperimentalApi: opt-in.")
    state.desk_customers[_desk(state, desk)["id"]].difference_update(_account_ids(state, exchange))
    return 204, None, {}


# -- organizations
def _org(state, org_id):
    if org_id not in state.organizations:
        raise _reply(404, "The organization does not exist.")
    return state.organizations[org_id]


@route("GET", JSM + "/organization")
def organizations(state, exchange):
    account = exchange.query.get("accountId")
    orgs = [o for o in state.organizations.values() if not account or account in o["users"]]
    return 200, state.page([state.org_dto(o) for o in orgs], exchange.query, exchange.path), {}


@route("POST", JSM + "/organization")
def organization_create(state, exchange):
    _need_admin(state, exchange)
    name = ((exchange.body or {}).get("name") or "").strip()
    if not 1 <= len(name) <= 200:
        raise _reply(400, "The organization name must contain 1-200 characters.")
    if any(o["name"].lower() == name.lower() for o in state.organizations.values()):
        raise _reply(400, "An organization with this name already exists.")
    return 201, state.org_dto(state.add_organization(name)), {}


@route("GET", JSM + "/organization/{org_id}")
def organization(state, exchange, org_id):
    return 200, state.org_dto(_org(state, org_id)), {}


@route("DELETE", JSM + "/organization/{org_id}")
def organization_delete(state, exchange, org_id):
    _need_admin(state, exchange)
    _org(state, org_id)
    del state.organizations[org_id]
    return 204, None, {}


@route("GET", JSM + "/organization/{org_id}/user")
def organization_users(state, exchange, org_id):
    users = [state.user_dto(state.users[i]) for i in sorted(_org(state, org_id)["users"])]
    return 200, state.page(users, exchange.query, exchange.path), {}


@route("POST", JSM + "/organization/{org_id}/user")
def organization_users_add(state, exchange, org_id):
    _need_admin(state, exchange)
    _org(state, org_id)["users"].update(_account_ids(state, exchange))
    return 204, None, {}


@route("DELETE", JSM + "/organization/{org_id}/user")
def organization_users_remove(state, exchange, org_id):
    _need_admin(state, exchange)
    _org(state, org_id)["users"].difference_update(_account_ids(state, exchange))
    return 204, None, {}


@route("GET", JSM + "/servicedesk/{desk}/organization")
def desk_organizations(state, exchange, desk):
    ids = sorted(state.desk_organizations[_desk(state, desk)["id"]])
    orgs = [state.org_dto(state.organizations[i]) for i in ids if i in state.organizations]
    return 200, state.page(orgs, exchange.query, exchange.path), {}


@route("POST", JSM + "/servicedesk/{desk}/organization")
def desk_organization_add(state, exchange, desk):
    _need_admin(state, exchange)
    org_id = str((exchange.body or {}).get("organizationId", ""))
    _org(state, org_id)
    state.desk_organizations[_desk(state, desk)["id"]].add(org_id)
    return 204, None, {}


# -- request types, requests, comments: see handlers_requests.py
