"""Link to IdP: a substitute link opened without a session, until the redirect to the identity provider.

Measured with wrk (32 connections) against the floor (a bare view that only redirects) and the peer
(stock mozilla-django-oidc's `oidc_authentication_init`), all served by the same gunicorn, in
interleaved rounds. The gateway's link answers with its own redirects (link → login → provider) before
leaving for the provider; chain.lua follows them, so a "visit" is the whole way to the provider.
"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("chain.lua")


@dataclass
class WrkResult:
    side: str
    round: int
    visits_per_s: float
    requests_per_s: float
    hops_per_visit: float
    p50_ms: float
    p99_ms: float
    bad: int
    socket_errors: int


def wrk_run(*, url: str, side: str, round_no: int, seconds: float, connections: int) -> WrkResult:
    argv = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", str(SCRIPT), url]
    output = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout  # noqa: S603
    return wrk_parse(output, side=side, round_no=round_no)


def wrk_parse(output: str, *, side: str, round_no: int) -> WrkResult:
    """Read the JSON line chain.lua prints at the end of wrk's output."""
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = data["duration_us"] / 1e6
    return WrkResult(
        side=side,
        round=round_no,
        visits_per_s=data["chains"] / seconds,
        requests_per_s=data["requests"] / seconds,
        hops_per_visit=data["hops"] / data["chains"] if data["chains"] else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        bad=data["bad"],
        socket_errors=data["socket_errors"],
    )
