"""The Jira site of the benchmark, run as its own process: `python -m bench.jsm --desks 100 --latency 0.05`.

It is the tests' fake JSM (fakes/jsm) with a fixed delay on every call (Jira Cloud's round trip),
plus a small control surface under /_bench/ for the harness: `GET /_bench/counts` (calls per method and
path so far) and `POST /_bench/desks?count=N` (the site now has N service desks). The service account's
token comes from the environment (BENCH_JSM_TOKEN), never from argv.
"""

import argparse
import collections
import json
import os
import threading
from urllib.parse import parse_qs

from fakes.jsm.server import FakeJSM


class Control:
    """WSGI wrapper: /_bench/* answered here, everything else by the fake (which counts it)."""

    def __init__(self, fake: FakeJSM):
        self.fake, self.inner = fake, fake.app
        self.counts: collections.Counter = collections.Counter()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_bench/"):
            return self._control(environ, start_response, path)
        with self.lock:
            self.counts[f"{environ['REQUEST_METHOD']} {path}"] += 1
        result = self.inner(environ, start_response)
        with self.fake.state.lock:
            self.inner.log.clear()  # counted above; a full log of a long run would only grow
        return result

    def _control(self, environ, start_response, path):
        if path == "/_bench/desks" and environ["REQUEST_METHOD"] == "POST":
            count = int(parse_qs(environ.get("QUERY_STRING", "")).get("count", ["0"])[0])
            with self.fake.state.lock:
                desks_set(self.fake, count)
            body = {"desks": count}
        else:
            with self.lock:
                body = dict(self.counts)
        payload = json.dumps(body).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]


def desks_set(fake: FakeJSM, count: int) -> None:
    fake.state.service_desks.clear()
    for n in range(count):
        fake.state.add_service_desk(name=f"Desk {n}", key=f"D{n}", desk_id=str(n + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--desks", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05, help="Seconds added to every Jira call.")
    parser.add_argument("--email", default="bench-svc@bench.example")
    args = parser.parse_args()
    fake = FakeJSM.start(port=0)
    fake.add_account(email=args.email, token=os.environ["BENCH_JSM_TOKEN"])
    desks_set(fake, args.desks)
    for n, name in enumerate(["Get IT help", "Request access", "Report a bug"]):  # for the portal pages
        fake.state.add_request_type(desk_id="1", name=name, group="General" if n < 2 else "Problems")
    if args.latency:
        fake.slow("/", args.latency)
    fake._server.set_app(Control(fake))
    fake._server.socket.listen(512)  # the stdlib's backlog of 5 drops bursts of concurrent workers
    print(json.dumps({"url": fake.url, "email": args.email}), flush=True)
    fake.serve_until_interrupted()


if __name__ == "__main__":
    main()
