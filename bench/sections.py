"""The measured sections. Each returns (rows for the table, raw numbers for the JSON)."""

import time
from collections import defaultdict

import redis
import requests
from django.conf import settings

from bench import config, link, procs, profile, seed, stats, sync
from bench.stats import Row


def _medians(results: list[dict], key: str) -> dict[str, float]:
    by_side = defaultdict(list)
    for result in results:
        by_side[result["side"]].append(result[key])
    return {side: stats.median(values) for side, values in by_side.items()}


def link_section(args, *, urls: dict[str, str], gunicorn_pid: int, peer_db_pid: int) -> tuple[list[Row], dict]:
    """wrk on each side, interleaved; rows and Redis keys counted around every round."""
    store, results = redis.Redis.from_url(settings.REDIS_URL), []
    for round_no, side in stats.interleave(list(urls), args.rounds):
        time.sleep(1.0)  # requests still queued from the previous side end before counting rows
        rows_before, keys_before = seed.rows_total(), store.dbsize()
        out = config.OUT_DIR / f"profile-{side}.txt"
        server = peer_db_pid if side == "peer-db" else gunicorn_pid
        cpu = procs.tree_cpu_seconds(server)
        with profile.sampled(
            pid=gunicorn_pid, seconds=args.link_seconds, out=out, enabled=args.profile and round_no == 0
        ):
            run = link.wrk_run(
                url=urls[side], side=side, round_no=round_no, seconds=args.link_seconds, connections=args.connections
            )
        time.sleep(1.0)
        cpu = procs.tree_cpu_seconds(server) - cpu
        result = vars(run)
        visits = max(1, round(run.visits_per_s * args.link_seconds))
        result["cpu_ms_per_visit"] = 1000 * cpu / visits
        result["rows_per_visit"] = (seed.rows_total() - rows_before) / visits
        result["redis_keys_per_visit"] = (store.dbsize() - keys_before) / visits
        results.append(result)
        print(
            f"  link round {round_no} {side:14} {run.visits_per_s:8.0f} visits/s  p99 {run.p99_ms:.1f} ms", flush=True
        )  # noqa: E501
    visits = _medians(results, "visits_per_s")
    p50, p99 = _medians(results, "p50_ms"), _medians(results, "p99_ms")
    rows_per_visit = _medians(results, "rows_per_visit")
    cpu = _medians(results, "cpu_ms_per_visit")
    keys = _medians(results, "redis_keys_per_visit")
    floor = visits["floor"]
    rows = []
    for side in urls:
        r = stats.ratio(visits[side], floor)
        target, met = ("≥ 0.8x floor", r is not None and r >= 0.8) if side == "gateway-link" else ("", None)
        if side.startswith("peer"):
            target = "reference: ~0.1x db / ~0.5x memory sessions"
        row = Row("link to IdP", f"{side} visits/s", visits[side], "/s", "floor visits/s", r, target, met)
        row.notes.append(
            f"p50 {p50[side]:.1f} ms, p99 {p99[side]:.1f} ms per request; gunicorn CPU {cpu[side]:.2f} ms/visit"
        )
        rows.append(row)
    gw_rows = max(rows_per_visit["gateway-link"], rows_per_visit["gateway-login"])
    rows.append(Row("link to IdP", "gateway DB rows / visit", gw_rows, "", "", None, "0", gw_rows == 0))
    for side in urls:
        rows.append(Row("link to IdP", f"{side} Redis keys / visit", keys[side], "", "", None, "", None))
    rows.append(Row("link to IdP", "peer-db DB rows / visit", rows_per_visit.get("peer-db"), "", "", None, "", None))
    return rows, {"rounds": results}


def idp_counts(idp_url: str) -> dict[str, int]:
    return requests.get(f"{idp_url}/_bench/counts", timeout=10).json()


def signin_section(args, *, driver, gateway_url: str, idp_url: str, gunicorn_pid: int) -> tuple[list[Row], dict]:
    from portal.models import LoginEvent

    starts = {"floor": "/bench/floor/", "gateway": f"/{seed.LINK_TENANT}/portal/1/"}
    warm = driver.run(gateway=gateway_url, idp=idp_url, start_path=starts["gateway"], flows=args.clients)
    if warm["failed"]:
        raise RuntimeError(f"warm-up sign-ins failed: {warm['why']}")
    before, events_before = idp_counts(idp_url), LoginEvent.objects.count()
    per_round, results = max(1, args.signins // args.rounds), []
    for round_no, side in stats.interleave(list(starts), args.rounds):
        cpu = procs.tree_cpu_seconds(gunicorn_pid)
        run = driver.run(gateway=gateway_url, idp=idp_url, start_path=starts[side], flows=per_round)
        cpu = procs.tree_cpu_seconds(gunicorn_pid) - cpu
        lat = run.pop("latencies")
        run.update(side=side, round=round_no, per_s=run["ok"] / run["wall"], cpu_ms=1000 * cpu / max(1, run["ok"]))
        run["p50_ms"] = 1000 * stats.percentile(lat, 50) if lat else None
        run["p95_ms"] = 1000 * stats.percentile(lat, 95) if lat else None
        results.append(run)
        print(f"  sign-in round {round_no} {side:8} {run['per_s']:7.1f}/s  {run['failed']} failed", flush=True)
    after = idp_counts(idp_url)
    paths = ("/.well-known/openid-configuration", "/jwks")
    fetched = {path: after.get(path, 0) - before.get(path, 0) for path in paths}
    rate, cpu_ms = _medians(results, "per_s"), _medians(results, "cpu_ms")
    ok = sum(r["ok"] for r in results if r["side"] == "gateway")
    failed = sum(r["failed"] for r in results if r["side"] == "gateway")
    events = LoginEvent.objects.count() - events_before
    rows = [
        Row(
            "sign-in",
            "gateway logins/s",
            rate["gateway"],
            "/s",
            "floor chain/s",
            stats.ratio(rate["gateway"], rate["floor"]),
            "≥ 200/s",
            rate["gateway"] >= 200,
        ),  # noqa: E501
        Row(
            "sign-in",
            "gateway CPU / login",
            cpu_ms["gateway"],
            "ms",
            "floor chain CPU",
            stats.ratio(cpu_ms["gateway"], cpu_ms["floor"]),
            "",
            None,
        ),  # noqa: E501
        Row(
            "sign-in",
            "logins/s if 2 cores were the gateway's",
            2000 / cpu_ms["gateway"],
            "/s",
            "",
            None,
            "≥ 200/s",
            None,
        ),  # noqa: E501
        Row(
            "sign-in",
            "discovery + JWKS fetches (warm)",
            sum(fetched.values()),
            "",
            f"{ok} logins",
            None,
            "0",
            sum(fetched.values()) == 0,
        ),  # noqa: E501
        Row("sign-in", "login events written / login", events / max(1, ok), "", "", None, "1", None),
    ]
    p95 = stats.median([r["p95_ms"] for r in results if r["side"] == "gateway"])
    rows[0].notes.append(f"{ok} gateway sign-ins, {failed} failed; p95 {p95:.0f} ms per sign-in (4 gateway requests + provider)")
    return rows, {"rounds": results, "idp_fetches_during_rounds": fetched, "idp_counts": after}


def sync_section(args, *, jsm_url: str, concurrency: int) -> tuple[list[Row], dict]:
    timeout = 120 + args.tenants * 2 * args.latency * 4
    results = []
    for round_no in range(args.rounds):
        run = sync.sync_round(
            tenants=args.tenants, jsm_url=jsm_url, latency=args.latency, concurrency=concurrency, timeout=timeout
        )
        run.update(round=round_no, desks=args.desks, ratio=stats.ratio(run["wall_s"], run["lower_bound_s"]))
        results.append(run)
        print(
            f"  sync round {round_no}: {run['wall_s']:.1f}s vs bound {run['lower_bound_s']:.1f}s {run['outcomes']}",
            flush=True,
        )  # noqa: E501
    wall = stats.median([r["wall_s"] for r in results])
    bound = stats.median([r["lower_bound_s"] for r in results])
    queries = stats.median([r["queries_per_tenant"] for r in results])
    rows = [
        Row(
            "sync",
            f"{args.tenants} tenants x {args.desks} desks wall",
            wall,
            "s",
            "lower bound",
            stats.ratio(wall, bound),
            "≤ 1.5x",
            stats.ratio(wall, bound) <= 1.5,
        ),  # noqa: E501
        Row("sync", f"SQL queries / tenant ({args.desks} desks)", queries, "", "", None, "", None),
    ]
    rows[0].notes.append(f"bound = {results[0]['jira_calls']} calls x {args.latency * 1000:.0f} ms / {concurrency}")
    return rows, {"rounds": results}


def sync_small_section(args, *, jsm_url: str, concurrency: int, queries_full: float) -> tuple[list[Row], dict]:
    """The same sync with a tenth of the desks: queries per tenant must not move."""
    small = max(1, args.desks // 10)
    sync.jsm_desks_set(jsm_url, small)
    run = sync.sync_round(
        tenants=args.tenants, jsm_url=jsm_url, latency=args.latency, concurrency=concurrency, timeout=600
    )
    r = stats.ratio(queries_full, run["queries_per_tenant"])
    row = Row(
        "sync",
        f"SQL queries / tenant ({args.desks} vs {small} desks)",
        queries_full,
        "",
        f"{run['queries_per_tenant']:g} at {small} desks",
        r,
        "1.00x (independent)",
        r == 1,
    )  # noqa: E501
    return [row], {"small_round": run}


def memory_rows(*, gunicorn_pid: int, celery_pids: list[int], baseline: dict) -> tuple[list[Row], dict]:
    now = memory_snapshot(gunicorn_pid=gunicorn_pid, celery_pids=celery_pids)
    rows = []
    for kind in ("gunicorn worker", "celery master", "celery pool process"):
        if now[kind]:
            value, base = max(now[kind]), stats.median(baseline[kind]) if baseline[kind] else None
            rows.append(
                Row(
                    "memory",
                    f"{kind} RSS (max of {len(now[kind])})",
                    value,
                    "MB",
                    "RSS after start",
                    stats.ratio(value, base or 0),
                    "",
                    None,
                )
            )  # noqa: E501
    return rows, {"after": now, "baseline": baseline}


def memory_snapshot(*, gunicorn_pid: int, celery_pids: list[int]) -> dict[str, list[float]]:
    def rss(pids):
        return [round(value, 1) for value in map(procs.rss_mb, pids) if value is not None]

    pool = [child for pid in celery_pids for child in procs.children(pid)]
    return {
        "gunicorn worker": rss(procs.children(gunicorn_pid)),
        "celery master": rss(celery_pids),
        "celery pool process": rss(pool),
    }
