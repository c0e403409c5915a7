"""Sections served by gunicorn: link to IdP (wrk) and sign-in (the driver). Each returns (rows, raw numbers)."""

import time
from collections import defaultdict

import redis
import requests
from django.conf import settings

from bench import config, link, procs, profile, seed, stats
from bench.stats import Row


def medians(results: list[dict], key: str) -> dict[str, float]:
    by_side = defaultdict(list)
    for result in results:
        by_side[result["side"]].append(result[key])
    return {side: stats.median(values) for side, values in by_side.items()}


def _link_round(args, *, url: str, side: str, round_no: int, server: int) -> dict:
    """One wrk run; database rows, Redis keys and gunicorn CPU counted around it, once the queue drained."""
    store = redis.Redis.from_url(settings.REDIS_URL)
    time.sleep(1.0)  # requests still queued from the previous side end before anything is counted
    rows, keys, cpu = seed.rows_total(), store.dbsize(), procs.tree_cpu_seconds(server)
    out = config.OUT_DIR / f"profile-link-{side}.txt"
    with profile.sampled(pid=server, out=out, enabled=args.profile and round_no == 0):
        run = link.wrk_run(
            url=url, side=side, round_no=round_no, seconds=args.link_seconds, connections=args.connections
        )
    time.sleep(1.0)
    visits = max(1, round(run.visits_per_s * args.link_seconds))
    result = vars(run)
    result["cpu_ms_per_visit"] = 1000 * (procs.tree_cpu_seconds(server) - cpu) / visits
    result["rows_per_visit"] = (seed.rows_total() - rows) / visits
    result["redis_keys_per_visit"] = (store.dbsize() - keys) / visits
    print(f"  link round {round_no} {side:14} {run.visits_per_s:7.0f} visits/s  p99 {run.p99_ms:.0f} ms", flush=True)
    return result


def link_section(args, *, urls: dict[str, str], servers: dict[str, int]) -> tuple[list[Row], dict]:
    results = [
        _link_round(args, url=urls[side], side=side, round_no=round_no, server=servers[side])
        for round_no, side in stats.interleave(list(urls), args.rounds)
    ]
    visits, cpu = medians(results, "visits_per_s"), medians(results, "cpu_ms_per_visit")
    p50, p99 = medians(results, "p50_ms"), medians(results, "p99_ms")
    db_rows, keys = medians(results, "rows_per_visit"), medians(results, "redis_keys_per_visit")
    rows = []
    for side in urls:
        r = stats.ratio(visits[side], visits["floor"])
        row = Row("link to IdP", f"{side} visits/s", visits[side], "/s", "floor", r)
        if side == "gateway-link":
            row.target, row.met = "≥ 0.8x floor", r is not None and r >= 0.8
        elif side.startswith("peer"):
            row.target = "ref. ~0.5x (memory) / ~0.1x (db sessions)"
        elif side == "gateway-link-nolimits":
            row.notes.append("the same link with both rate limits off: what the shared Redis counters cost")
        row.notes.append(f"per request p50 {p50[side]:.1f} ms, p99 {p99[side]:.1f} ms; CPU {cpu[side]:.2f} ms/visit")
        rows.append(row)
    gateway_rows = max(db_rows["gateway-link"], db_rows["gateway-login"])
    rows.append(Row("link to IdP", "gateway DB rows / visit", gateway_rows, target="0", met=gateway_rows == 0))
    for side in urls:
        rows.append(Row("link to IdP", f"{side} DB rows + Redis keys / visit", db_rows[side] + keys[side]))
    return rows, {"rounds": results}


def idp_counts(idp_url: str) -> dict[str, int]:
    return requests.get(f"{idp_url}/_bench/counts", timeout=10).json()


def _signin_round(args, *, driver, side: str, start: str, round_no: int, flows: int, urls, gunicorn_pid) -> dict:
    cpu = procs.tree_cpu_seconds(gunicorn_pid)
    out = config.OUT_DIR / f"profile-signin-{side}.txt"
    with profile.sampled(pid=gunicorn_pid, out=out, enabled=args.profile and round_no == 0):
        run = driver.run(gateway=urls["gateway"], idp=urls["idp"], start_path=start, flows=flows)
    cpu = procs.tree_cpu_seconds(gunicorn_pid) - cpu
    latencies = run.pop("latencies")
    run.update(side=side, round=round_no, per_s=run["ok"] / run["wall"], cpu_ms=1000 * cpu / max(1, run["ok"]))
    run["p50_ms"] = 1000 * stats.percentile(latencies, 50) if latencies else None
    run["p95_ms"] = 1000 * stats.percentile(latencies, 95) if latencies else None
    print(f"  sign-in round {round_no} {side:8} {run['per_s']:6.1f}/s  {run['failed']} failed", flush=True)
    return run


def signin_section(args, *, driver, urls: dict[str, str], gunicorn_pid: int) -> tuple[list[Row], dict]:
    """Gateway sign-ins from the substitute link vs the floor chain (same driver, same provider)."""
    from providers.models import LoginEvent

    starts = {"floor": "/bench/floor/", "gateway": f"/{seed.LINK_TENANT}/portal/1/"}
    warm = driver.run(gateway=urls["gateway"], idp=urls["idp"], start_path=starts["gateway"], flows=args.clients)
    if warm["failed"]:
        raise RuntimeError(f"warm-up sign-ins failed: {warm['why']}")
    before, events_before = idp_counts(urls["idp"]), LoginEvent.objects.count()
    flows = max(1, args.signins // args.rounds)
    results = [
        _signin_round(
            args,
            driver=driver,
            side=side,
            start=starts[side],
            round_no=n,
            flows=flows,
            urls=urls,
            gunicorn_pid=gunicorn_pid,
        )  # fmt: skip
        for n, side in stats.interleave(list(starts), args.rounds)
    ]
    after = idp_counts(urls["idp"])
    fetched = {
        path: after.get(path, 0) - before.get(path, 0) for path in ("/.well-known/openid-configuration", "/jwks")
    }
    rate, cpu = medians(results, "per_s"), medians(results, "cpu_ms")
    ok = sum(r["ok"] for r in results if r["side"] == "gateway")
    failed = sum(r["failed"] for r in results if r["side"] == "gateway")
    events = (LoginEvent.objects.count() - events_before) / max(1, ok)
    cores = procs.os.cpu_count() or 1
    rows = [
        Row(
            "sign-in",
            "gateway logins/s",
            rate["gateway"],
            "/s",
            "floor chain",
            stats.ratio(rate["gateway"], rate["floor"]),
            "≥ 200/s",
            rate["gateway"] >= 200,
        ),  # fmt: skip
        Row(
            "sign-in",
            "gateway CPU / login",
            cpu["gateway"],
            "ms",
            "floor chain",
            stats.ratio(cpu["gateway"], cpu["floor"]),
        ),
        Row("sign-in", f"logins/s if all {cores} cores ran the gateway", 1000 * cores / cpu["gateway"], "/s"),
        Row(
            "sign-in",
            "discovery + JWKS fetches, warm",
            sum(fetched.values()),
            "",
            f"{ok} logins",
            None,
            "0",
            sum(fetched.values()) == 0,
        ),  # fmt: skip
        Row("sign-in", "login events written / login", events, target="1", met=events == 1),
    ]
    p95 = stats.median([r["p95_ms"] for r in results if r["side"] == "gateway"])
    rows[0].notes.append(f"{ok} sign-ins, {failed} failed; p95 {p95:.0f} ms (2 gateway requests + the provider's)")
    return rows, {"rounds": results, "idp_fetches_during_rounds": fetched, "idp_counts": after}
