"""The fake JSM + Jira platform as a WSGI app (no framework): auth, faults, recording, routing.

Classic tokens are accepted on the site paths, scoped tokens only under `/ex/jira/<cloudId>/...`
(as Atlassian does: ../shared/specs/README.md). Handlers live in handlers.py.
"""

import base64
import json
import re
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from fakes.jsm import handlers, handlers_portal, handlers_requests  # noqa: F401 (each registers its routes)
from fakes.jsm.routing import Reply, dispatch
from fakes.jsm.state import State

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Payload Too Large",
    412: "Precondition Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Exchange:
    """One recorded request and the fake's answer (headers minus Authorization)."""

    method: str
    path: str
    query: dict
    headers: dict
    body: object
    status: int = 0
    response_headers: dict = field(default_factory=dict)
    response_body: object = None
    scoped: bool = False
    authenticated_as: str = ""
    authorization: str = field(default="", repr=False)
    files: list = field(default_factory=list)  # multipart parts: {name, filename, content_type, content}


@dataclass
class Fault:
    path: str
    status: int | None
    method: str | None = None
    times: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    action: object = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and path.startswith(self.path) and self.times != 0


def error_body(path: str, status: int, message: str):
    if status == 429 or (status == 401 and not path.startswith("/rest/servicedeskapi/")):
        return None  # as Jira does: the platform's 401 and every 429 carry no JSON body
    if status == 401:
        message = message or "Client must be authenticated to access this resource."
    if path.startswith("/rest/api/"):
        return {"errorMessages": [message or STATUS_TEXT.get(status, "")], "errors": {}}
    return {
        "errorMessage": message or STATUS_TEXT.get(status, ""),
        "i18nErrorMessage": {"i18nKey": "", "parameters": []},
    }


def multipart_parts(content_type: str, raw: bytes) -> list[dict]:
    """The parts of a multipart/form-data body (RFC 7578), parsed with the stdlib email parser."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    parts = []
    for part in message.iter_parts():
        parts.append(
            {
                "name": part.get_param("name", header="content-disposition"),
                "filename": part.get_filename() or "",
                "content_type": part.get_content_type(),
                "content": part.get_payload(decode=True) or b"",
            }
        )
    return parts


class FakeJSMApp:
    def __init__(self, state: State):
        self.state = state
        self.faults: list[Fault] = []
        self.log: list[Exchange] = []

    def __call__(self, environ, start_response):
        exchange = self._read(environ)
        try:
            status, body, headers = self._answer(exchange)
        except Reply as reply:
            status, body, headers = reply.status, error_body(exchange.path, reply.status, reply.message), reply.headers
        exchange.status, exchange.response_body, exchange.response_headers = status, body, headers
        with self.state.lock:
            self.log.append(exchange)
        if isinstance(body, bytes):  # a file's content (attachment download); headers name its type
            payload = body
        else:
            payload = b"" if body is None else json.dumps(body).encode()
        out = [("Content-Length", str(len(payload)))] + list(headers.items())
        if body is not None and not isinstance(body, bytes):
            out.append(("Content-Type", "application/json;charset=UTF-8"))
        start_response(f"{status} {STATUS_TEXT.get(status, 'Status')}", out)
        return [payload]

    def _read(self, environ) -> Exchange:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        files = []
        if environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            files, body = multipart_parts(environ["CONTENT_TYPE"], raw), None
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        exchange = Exchange(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", ""),
            query=dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
            headers={k: v for k, v in headers.items() if k != "Authorization"},
            body=body,
            authorization=headers.get("Authorization", ""),
            files=files,
        )
        return exchange

    def _answer(self, exchange: Exchange):
        match = re.match(r"^/ex/jira/([^/]+)(/.*)$", exchange.path)
        if match:
            if match.group(1) != self.state.cloud_id:
                raise Reply(404, "Site not found")
            exchange.scoped, exchange.path = True, match.group(2)
        if exchange.path == "/_edge/tenant_info" and not exchange.scoped:
            return 200, {"cloudId": self.state.cloud_id}, {}
        if exchange.path.startswith("/media/") and not exchange.scoped:
            return self._media(exchange.path.removeprefix("/media/"))
        self._apply_faults(exchange)
        exchange.authenticated_as = self._authenticate(exchange)
        return dispatch(self.state, exchange)

    def _media(self, token: str):
        """Stands for api.media.atlassian.com: a one-time token in the URL, no Authorization header."""
        with self.state.lock:
            found = self.state.media.pop(token, None)
        if found is None:
            raise Reply(404, "Unknown or used media token")
        return 200, found["content"], {"Content-Type": found["mimeType"]}

    def _apply_faults(self, exchange: Exchange) -> None:
        with self.state.lock:
            fault = next((f for f in self.faults if f.matches(exchange.method, exchange.path)), None)
            if fault is None:
                return
            if fault.times is not None:
                fault.times -= 1
        if fault.action is not None:
            with self.state.lock:
                fault.action(self.state, exchange)
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status:
            raise Reply(fault.status, "", {"Retry-After": fault.retry_after} if fault.retry_after else {})

    def _authenticate(self, exchange: Exchange) -> str:
        scheme, _, encoded = exchange.authorization.partition(" ")
        if scheme.lower() != "basic":
            raise Reply(401)
        try:
            email, _, token = base64.b64decode(encoded).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise Reply(401) from None
        account = self.state.accounts.get(email.lower())
        if account is None or account.token != token or account.scoped != exchange.scoped:
            raise Reply(401)
        return account.account_id
