"""The identity provider of the benchmark, run as its own process: `python -m bench.idp`.

It is the tests' fake OpenID Provider (fakes/oidc), answering instantly, with three changes for
long runs: every /authorize approves one of `BENCH_PEOPLE` people (returning customers, not one),
requests are counted per path instead of kept, and `GET /_bench/counts` returns those counts so the
harness can show that a warm gateway fetches neither discovery nor JWKS per sign-in.
The client secret comes from the environment (BENCH_IDP_CLIENT_SECRET), never from argv.
"""

import collections
import json
import os
import random
import sys
import threading
import time

from fakes.oidc.provider import FakeOidcProvider
from fakes.oidc.server import Response


class BenchProvider(FakeOidcProvider):
    def __init__(self, *, people: int, **kwargs):
        self._people = max(1, people)
        self._base_user: dict = {}
        super().__init__(**kwargs)
        self.counts: collections.Counter = collections.Counter()
        self.requests = collections.deque(maxlen=100)
        self.token_auth_used = collections.deque(maxlen=100)
        self.token_answers = collections.deque(maxlen=100)

    @property
    def user(self) -> dict:
        """Whoever signs in next: one of a fixed pool, so most sign-ins are returning customers."""
        n = random.randrange(self._people)  # noqa: S311 (not security)
        return {**self._base_user, "sub": f"bench-person-{n}", "email": f"person{n}@bench.example"}

    @user.setter
    def user(self, value: dict) -> None:
        self._base_user = value

    def _dispatch(self, request):
        if request.path == "/_bench/counts":
            return Response.json(dict(self.counts))
        self.counts[request.path] += 1
        response = super()._dispatch(request)
        self._forget_spent()
        return response

    def _forget_spent(self) -> None:
        """Codes never exchanged (the floor's) and access tokens already used would grow without end."""
        with self._lock:
            for store in (self._grants, self._access):
                while len(store) > 20000:
                    store.pop(next(iter(store)))


def main() -> None:
    provider = BenchProvider(
        people=int(os.environ.get("BENCH_PEOPLE", "1000")),
        client_id=os.environ.get("BENCH_IDP_CLIENT_ID", "gateway-client"),
        client_secret=os.environ["BENCH_IDP_CLIENT_SECRET"],
    )
    provider._server._httpd.socket.listen(512)  # the stdlib's backlog of 5 drops bursts of 32 clients
    provider.start()
    print(json.dumps({"base_url": provider.base_url, "client_id": provider.client_id}), flush=True)
    stop = threading.Event()
    try:
        while not stop.is_set():
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    provider.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
