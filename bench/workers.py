"""Sections of the background side: the sync (Celery workers against the fake JSM) and resident memory."""

import os
from pathlib import Path

from bench import config, procs, profile, stats, sync
from bench.stats import Row


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat's first line."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _sync_round(args, *, round_no: int, jsm, concurrency: int, celery_pids: list[int]) -> dict:
    busy, total = machine_busy()
    jsm_cpu = procs.tree_cpu_seconds(jsm.pid)
    out = config.OUT_DIR / "profile-sync-workers.txt"
    with profile.sampled(pid=celery_pids[0], out=out, enabled=args.profile and round_no == 0):
        run = sync.sync_round(
            tenants=args.tenants,
            jsm_url=jsm.info["url"],
            latency=args.latency,
            concurrency=concurrency,
            timeout=120 + args.tenants * args.latency * 8,
            celery_pids=celery_pids,
        )
    busy2, total2 = machine_busy()
    run.update(round=round_no, desks=args.desks, ratio=stats.ratio(run["wall_s"], run["lower_bound_s"]))
    run["machine_busy"] = (busy2 - busy) / max(1, total2 - total)
    run["fake_jsm_cpu_ms_per_tenant"] = 1000 * (procs.tree_cpu_seconds(jsm.pid) - jsm_cpu) / args.tenants
    print(f"  sync round {round_no}: {run['wall_s']:.1f} s (bound {run['lower_bound_s']:.1f} s), "
          f"machine {run['machine_busy']:.0%} busy, {run['outcomes']}", flush=True)  # fmt: skip
    return run


def sync_section(args, *, jsm, concurrency: int, celery_pids: list[int]) -> tuple[list[Row], dict]:
    results = [
        _sync_round(args, round_no=n, jsm=jsm, concurrency=concurrency, celery_pids=celery_pids)
        for n in range(args.rounds)
    ]
    wall, bound = (stats.median([r[key] for r in results]) for key in ("wall_s", "lower_bound_s"))
    queries = stats.median([r["queries_per_tenant"] for r in results])
    cpu = stats.median([r["worker_cpu_ms_per_tenant"] for r in results])
    busy = stats.median([r["machine_busy"] for r in results])
    r = stats.ratio(wall, bound)
    cores = os.cpu_count() or 1
    rows = [
        Row("sync", f"{args.tenants} tenants x {args.desks} desks", wall, "s", "lower bound", r, "≤ 1.5x", r <= 1.5),
        Row("sync", f"SQL queries / tenant ({args.desks} desks)", queries),
        Row("sync", "worker CPU / tenant", cpu, "ms"),
        Row("sync", "machine CPU busy during sync", 100 * busy, "%"),
    ]
    calls = results[0]["jira_calls"]
    rows[0].notes.append(f"lower bound = {calls} Jira calls x {args.latency * 1000:.0f} ms / {concurrency} workers")
    rows[2].notes.append(f"CPU floor on {cores} cores: {args.tenants} x {cpu:.0f} ms / {cores} = "
                         f"{args.tenants * cpu / cores / 1000:.1f} s of gateway work alone")  # fmt: skip
    return rows, {"rounds": results}


def sync_small_section(args, *, jsm, concurrency: int, celery_pids: list[int], queries_full: float):
    """The same sync with a tenth of the desks: SQL queries per tenant must not move."""
    small = max(1, args.desks // 10)
    sync.jsm_desks_set(jsm.info["url"], small)
    run = sync.sync_round(tenants=args.tenants, jsm_url=jsm.info["url"], latency=args.latency,
                          concurrency=concurrency, timeout=600, celery_pids=celery_pids)  # fmt: skip
    r = stats.ratio(queries_full, run["queries_per_tenant"])
    figure = f"SQL queries / tenant, {args.desks} vs {small} desks"
    row = Row("sync", figure, queries_full, "", f"{run['queries_per_tenant']:g} at {small}", r, "1.00x", r == 1)
    return [row], {"small_round": run}


def memory_snapshot(*, gunicorn_pid: int, celery_pids: list[int]) -> dict[str, list[float]]:
    def rss(pids):
        return [round(value, 1) for value in map(procs.rss_mb, pids) if value is not None]

    pool = [child for pid in celery_pids for child in procs.children(pid)]
    return {
        "gunicorn worker": rss(procs.children(gunicorn_pid)),
        "celery master": rss(celery_pids),
        "celery pool process": rss(pool),
    }


def memory_rows(*, gunicorn_pid: int, celery_pids: list[int], baseline: dict) -> tuple[list[Row], dict]:
    """Largest resident memory per kind of process now, against the median of the same kind after start."""
    now = memory_snapshot(gunicorn_pid=gunicorn_pid, celery_pids=celery_pids)
    rows = []
    for kind, values in now.items():
        if values:
            base = stats.median(baseline[kind]) if baseline.get(kind) else 0
            figure = f"{kind} RSS (max of {len(values)})"
            rows.append(Row("memory", figure, max(values), "MB", "after start", stats.ratio(max(values), base)))
    return rows, {"after": now, "baseline": baseline}
