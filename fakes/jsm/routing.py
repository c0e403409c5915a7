"""The fake's routing: handlers register with `route`, answer errors by raising `Reply` (in the API's own
error format, written by app.py), and share the look-ups every API family needs."""

import re


class Reply(Exception):
    """Raised by handlers to answer an error in the API's own format."""

    def __init__(self, status: int, message: str = "", headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


JSM = "/rest/servicedeskapi"
ROUTES = []


def route(method: str, pattern: str):
    def register(func):
        ROUTES.append((method, re.compile("^" + pattern.replace("{", "(?P<").replace("}", ">[^/]+)") + "$"), func))
        return func

    return register


def dispatch(state, exchange):
    for method, pattern, func in ROUTES:
        match = pattern.match(exchange.path)
        if match and method == exchange.method:
            with state.lock:
                return func(state, exchange, **match.groupdict())
    raise Reply(404, f"No fake route for {exchange.method} {exchange.path}")


def _reply(status, message=""):
    return Reply(status, message)


def _caller(state, exchange):
    return next(a for a in state.accounts.values() if a.account_id == exchange.authenticated_as)


def _need_admin(state, exchange):
    if not _caller(state, exchange).admin:
        raise _reply(403, "You do not have permission to perform this operation.")


def _desk(state, ref):
    desk = state.desk(ref)
    if desk is None:
        raise _reply(404, "The service desk does not exist.")
    return desk


def _account_ids(state, exchange):
    ids = (exchange.body or {}).get("accountIds") or []
    unknown = [i for i in ids if i not in state.users]
    if unknown:
        raise _reply(400, f"Unknown accountId {unknown[0]}.")
    return ids
