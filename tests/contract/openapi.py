"""Validate recorded fake-JSM exchanges (the client's requests, the fake's responses) against
Atlassian's OpenAPI documents in ../shared/specs with openapi-core.

The documents declare OAuth2 scopes per operation; the gateway authenticates with HTTP Basic (which
Jira also accepts), so the security requirements are removed before validation: this checks shapes.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_HOST = "https://your-domain.atlassian.net"
PLATFORM = "jira-cloud-platform.openapi.json"
JSM = "jsm-cloud-servicedeskapi.openapi.json"


def specs_dir() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "specs"


@cache
def spec(name: str) -> OpenAPI:
    document = json.loads((specs_dir() / name).read_text())
    document.pop("security", None)
    for operations in document["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    # Both documents say a user's `emailAddress` "may be returned as null" (privacy settings) but type it as a plain
    # string: the documented null is accepted.
    for name in ("UserDTO", "User"):
        found = document.get("components", {}).get("schemas", {}).get(name, {}).get("properties", {})
        if "emailAddress" in found:
            found["emailAddress"]["nullable"] = True
    # Atlassian's documents do not pass the strict spec validator (duplicate operation ids, enum
    # defaults outside the enum); validating messages against them is still meaningful.
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


def spec_for(path: str) -> OpenAPI | None:
    if path.startswith("/rest/servicedeskapi/"):
        return spec(JSM)
    if path.startswith("/rest/api/3/"):
        return spec(PLATFORM)
    return None


def _body(value) -> bytes | None:
    if isinstance(value, bytes):  # a file's content (attachment download)
        return value
    return None if value is None else json.dumps(value).encode()


class RecordedRequest:
    def __init__(self, exchange):
        self.host_url = SPEC_HOST
        self.path = exchange.path
        self.method = exchange.method.lower()
        self.body = _body(exchange.body)
        self.content_type = exchange.headers.get("Content-Type", "") if exchange.body is not None else ""
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(exchange.query.items())),
            header=Headers({**exchange.headers, "Authorization": "Basic redacted"}),
        )


class RecordedResponse:
    def __init__(self, exchange):
        self.status_code = exchange.status
        self.data = _body(exchange.response_body) or b""
        self.content_type = "application/json" if exchange.response_body is not None else ""
        if isinstance(exchange.response_body, bytes):
            self.content_type = exchange.response_headers.get("Content-Type", "application/octet-stream")
        self.headers = Headers(exchange.response_headers)


def problems(exchange) -> list[str]:
    """Everything the OpenAPI document says is wrong with one exchange (empty list: it conforms)."""
    openapi = spec_for(exchange.path)
    if openapi is None:
        return []
    request, found = RecordedRequest(exchange), []
    checks = [
        ("request", lambda: openapi.validate_request(request)),
        ("response", lambda: openapi.validate_response(request, RecordedResponse(exchange))),
    ]
    if getattr(exchange, "files", None):
        # multipart/form-data (attachTemporaryFile): the documents describe the body as an array of
        # MultipartFile, which openapi-core cannot match to form parts; the part name is checked here.
        checks = checks[1:]
        if [p["name"] for p in exchange.files if p["name"] != "file"]:
            found.append(f"{exchange.method} {exchange.path}: multipart parts must be named 'file'")
    for what, check in checks:
        try:
            check()
        except Exception as exc:  # openapi-core raises one exception type per kind of mismatch
            detail = "; ".join(str(e) for e in getattr(exc, "schema_errors", []) or [exc])
            found.append(f"{exchange.method} {exchange.path} {exchange.status} {what}: {type(exc).__name__}: {detail}")
    return found
