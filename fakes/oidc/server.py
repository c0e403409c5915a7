"""The HTTP plumbing of the fake provider: a threaded stdlib server on 127.0.0.1 that records every request.

Kept apart from the OpenID logic so the provider reads as endpoints and knobs only.
"""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class RecordedRequest:
    """One request the provider received, as the test may want to inspect it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def form(self) -> dict[str, str]:
        """The urlencoded body (POST /token), first value of each field."""
        return {key: values[0] for key, values in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def basic_credentials(self) -> tuple[str, str] | None:
        """client_secret_basic (RFC 6749 2.3.1): both halves form-urlencoded before base64."""
        scheme, _, value = self.header("authorization").partition(" ")
        if scheme.lower() != "basic" or not value:
            return None
        try:
            user, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        except ValueError:
            return None
        return unquote(user.replace("+", " ")), unquote(password.replace("+", " "))

    def bearer_token(self) -> str:
        scheme, _, value = self.header("authorization").partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
        return self.form.get("access_token", "") if self.method == "POST" else ""


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data, status: int = 200, **headers) -> "Response":
        headers = {"Content-Type": "application/json", "Cache-Control": "no-store", **headers}
        return cls(status, json.dumps(data).encode("utf-8"), headers)

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> "Response":
        return cls(status, text.encode("utf-8"), {"Content-Type": content_type})

    @classmethod
    def redirect(cls, location: str) -> "Response":
        return cls(302, b"", {"Location": location})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOIDC/1.0"
    # Headers and body are two writes: with Nagle's algorithm the body waits for the client's delayed
    # ACK (~40 ms on Linux), which made every token and userinfo answer slow. Real servers set TCP_NODELAY.
    disable_nagle_algorithm = True

    def _serve(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = RecordedRequest(
            method=self.command,
            path=parts.path,
            query={key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={key.lower(): value for key, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        response = self.server.app(request)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_HEAD = _serve

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        """Silent: a test's output is for its failures, and URLs here carry codes."""


class LocalServer:
    """Serves `app(RecordedRequest) -> Response` on 127.0.0.1 at a free port, in a daemon thread."""

    def __init__(self, app):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a deliberately slow /token must not hold up teardown
        self._httpd.app = app
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-oidc", daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
