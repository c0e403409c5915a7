"""The fake JSM served on 127.0.0.1 in a thread (stdlib wsgiref, no framework).

fake = FakeJSM.start()            # or the `fake_jsm` fixture
fake.add_account(email=..., token=...)
fake.state.add_service_desks(3)
fake.url                          # http://127.0.0.1:<port>, the "site URL"
fake.api_url                      # the same server as GATEWAY_ATLASSIAN_API_URL for scoped tokens
fake.fail("/rest/servicedeskapi/servicedesk", 429, times=1, retry_after="2")
fake.calls("GET", "/rest/api/3/myself")
fake.stop()
"""

import threading
import time
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from fakes.jsm.app import Exchange, FakeJSMApp, Fault
from fakes.jsm.state import Account, State


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    disable_nagle_algorithm = True  # headers and body are separate writes (see fakes/oidc/server.py)

    def log_message(self, *args):  # tests read fake.log instead
        pass


class FakeJSM:
    def __init__(self, *, cloud_id: str | None = None, max_limit: int = 50):
        self.state = State(cloud_id=cloud_id, max_limit=max_limit)
        self.app = FakeJSMApp(self.state)
        self._server = None

    @classmethod
    def start(cls, *, port: int = 0, **kwargs) -> "FakeJSM":
        fake = cls(**kwargs)
        fake._server = make_server("127.0.0.1", port, fake.app, _ThreadingServer, _QuietHandler)
        fake.state.base_url = fake.url
        threading.Thread(target=fake._server.serve_forever, daemon=True, name="fake-jsm").start()
        return fake

    def serve_until_interrupted(self) -> None:
        """For a fake run as a program: block until Ctrl-C, then stop."""
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url

    @property
    def cloud_id(self) -> str:
        return self.state.cloud_id

    # -- seeding shortcuts
    def add_account(self, *, email: str, token: str, scoped: bool = False, admin: bool = True) -> Account:
        with self.state.lock:
            return self.state.add_account(email=email, token=token, scoped=scoped, admin=admin)

    # -- knobs
    def fail(self, path: str, status: int, *, times: int | None = None, retry_after=None, method=None) -> Fault:
        """Answer `status` for requests whose path starts with `path` (after /ex/jira/<id>), `times` times."""
        fault = Fault(path=path, status=status, method=method, times=times, retry_after=_str(retry_after))
        with self.state.lock:
            self.app.faults.append(fault)
        return fault

    def slow(self, path: str, seconds: float, *, times: int | None = None, method=None) -> Fault:
        fault = Fault(path=path, status=None, method=method, times=times, delay=seconds)
        with self.state.lock:
            self.app.faults.append(fault)
        return fault

    def before(self, path: str, action, *, times: int | None = 1, method=None) -> Fault:
        """Run `action(state, exchange)` before answering, e.g. to stage a race with another writer."""
        fault = Fault(path=path, status=None, method=method, times=times, action=action)
        with self.state.lock:
            self.app.faults.append(fault)
        return fault

    def heal(self) -> None:
        """Remove every fault: Jira is back."""
        with self.state.lock:
            self.app.faults.clear()

    # -- inspection
    @property
    def log(self) -> list[Exchange]:
        with self.state.lock:
            return list(self.app.log)

    def calls(self, method: str | None = None, path: str | None = None) -> list[Exchange]:
        return [e for e in self.log if (method is None or e.method == method) and (path is None or e.path == path)]

    def reset_log(self) -> None:
        with self.state.lock:
            self.app.log.clear()


def _str(value):
    return None if value is None else str(value)
