"""Command-line options, sizes (default, --quick) and the environment every bench process shares."""

import argparse
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
DB_NAME = "sso_gateway_bench"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/11"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bin/bench", description="Benchmarks against same-run baselines.")
    parser.add_argument("--quick", action="store_true", help="2-minute smoke run with small sizes.")
    parser.add_argument("--rounds", type=int, help="Interleaved rounds per section (default 3, quick 2).")
    parser.add_argument("--link-seconds", type=float, help="wrk seconds per side and round (default 8, quick 3).")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32).")
    parser.add_argument("--signins", type=int, help="Gateway sign-ins in total (default 10000, quick 600).")
    parser.add_argument("--clients", type=int, default=32, help="Concurrent sign-in browsers (default 32).")
    parser.add_argument("--people", type=int, default=1000, help="Distinct customers signing in (default 1000).")
    parser.add_argument("--tenants", type=int, help="Tenants to sync (default 1000, quick 50).")
    parser.add_argument("--desks", type=int, default=100, help="Service desks per tenant (default 100).")
    parser.add_argument("--latency", type=float, default=0.05, help="Seconds per Jira call (default 0.05).")
    parser.add_argument("--sync-workers", type=int, default=2, help="Celery worker processes (default 2).")
    parser.add_argument("--sync-concurrency", type=int, default=4, help="Pool size per worker (default 4).")
    parser.add_argument("--gunicorn-workers", type=int, help="Default: deploy/gunicorn.conf.py's (2 x CPUs + 1).")
    parser.add_argument("--profile", action="store_true", help="py-spy the gunicorn workers in round 0.")
    parser.add_argument("--skip", action="append", default=[], choices=["link", "signin", "portal", "sync"])
    args = parser.parse_args(argv)
    quick = args.quick
    args.rounds = args.rounds or (2 if quick else 3)
    args.link_seconds = args.link_seconds or (3 if quick else 8)
    args.signins = args.signins or (600 if quick else 10000)
    args.tenants = args.tenants or (50 if quick else 1000)
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Env:
    """Ports, secrets generated for this run (never printed), and the environment of every process."""

    port: int
    peer_db_port: int
    idp_secret: str
    jsm_token: str

    @classmethod
    def make(cls) -> "Env":
        return cls(free_port(), free_port(), secrets.token_urlsafe(32), secrets.token_urlsafe(24))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def base(self, **extra: str) -> dict:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GATEWAY_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=f"{PG}/{DB_NAME}",
            REDIS_URL=REDIS,
            GATEWAY_ALLOW_INSECURE_HTTP="true",
            GATEWAY_BASE_URL=self.base_url,
            LOG_FORMAT="json",
            PYTHONPATH=str(ROOT),
            BENCH_IDP_CLIENT_SECRET=self.idp_secret,
            # Every visitor here is 127.0.0.1: keep the rate limiter's work (its cache counters) but
            # at a rate the benchmark never reaches, or all but the first 60 sign-ins a minute are 429s.
            GATEWAY_RATE_SIGNIN_PER_IP="1000000000/m",
            GATEWAY_RATE_SIGNIN_PER_TENANT="1000000000/m",
        )
        # db 11 holds the queues too, and is emptied at the start (never 14 or 15: CI's broker and cache).
        env["CELERY_BROKER_URL"] = REDIS
        env.update(extra)
        return env
