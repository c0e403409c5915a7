"""`bin/bench` (or `python -m bench`): set everything up, measure each section against its baseline, print a
table and write JSON to var/bench/. Sizes and flags: `bin/bench --help`; docs/benchmarks.md says what each figure means.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench import config, procs


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("wrk is missing: apt-get install -y wrk", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)  # noqa: S607


def start_fakes(args, env: config.Env, logs, started: list) -> None:
    """The identity provider, then (unless the sync is skipped) the Jira site; `started` gets each at once."""
    idp_env = env.base(BENCH_PEOPLE=str(args.people))
    started.append(procs.start("idp", procs.python("-m", "bench.idp"), env=idp_env, log_dir=logs, announce=True))
    if "sync" in args.skip:
        started.append(None)
        return
    jsm_argv = procs.python("-m", "bench.jsm", "--desks", str(args.desks), "--latency", str(args.latency))
    jsm_env = env.base(BENCH_JSM_TOKEN=env.jsm_token)
    started.append(procs.start("jsm", jsm_argv, env=jsm_env, log_dir=logs, announce=True))


def start_servers(args, env: config.Env, logs, idp, started: list) -> None:
    extra = {"BENCH_IDP_URL": idp.info["base_url"], "BENCH_IDP_CLIENT_ID": idp.info["client_id"]}
    if args.gunicorn_workers:
        extra["GUNICORN_WORKERS"] = str(args.gunicorn_workers)
    gunicorn = procs.python("-m", "gunicorn", "-c", str(config.ROOT / "deploy" / "gunicorn.conf.py"), "bench.wsgi")
    started.append(
        procs.start("gunicorn", gunicorn, env=env.base(GUNICORN_BIND=f"127.0.0.1:{env.port}", **extra), log_dir=logs)
    )
    # The second gunicorn serves the peer with database sessions and the gateway with both rate limits off
    # (its link side "gateway-link-nolimits", which uses no session): what the shared counters cost.
    no_limits = {"GATEWAY_RATE_SIGNIN_PER_IP": "", "GATEWAY_RATE_SIGNIN_PER_TENANT": ""}
    peer_db_env = env.base(
        GUNICORN_BIND=f"127.0.0.1:{env.peer_db_port}", BENCH_PEER_SESSIONS="db", **no_limits, **extra
    )
    started.append(procs.start("gunicorn-peer-db", gunicorn, env=peer_db_env, log_dir=logs))
    for n in range(args.sync_workers):
        celery = procs.python("-m", "celery", "-A", "bench.worker", "worker", "--pool", "prefork",
                              "-c", str(args.sync_concurrency), "-n", f"bench{n}@%h", "-l", "WARNING")  # fmt: skip
        started.append(procs.start(f"celery-{n}", celery, env=env.base(**extra), log_dir=logs))


def wait_ready(env: config.Env, workers: int) -> None:
    from bench.worker import app

    procs.wait_http(f"{env.base_url}/healthz")
    procs.wait_http(f"http://127.0.0.1:{env.peer_db_port}/healthz")
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=1.0) or []) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError("Celery workers did not answer a ping within 60s; see var/bench/logs/")


def main(argv=None) -> int:
    args = config.parse(argv)
    ensure_wrk()
    env, logs = config.Env.make(), config.OUT_DIR / "logs"
    os.environ.update(env.base())
    started: list[procs.Proc] = []
    try:
        start_fakes(args, env, logs, started)
        idp, jsm = started
        os.environ.update(BENCH_IDP_URL=idp.info["base_url"], BENCH_IDP_CLIENT_ID=idp.info["client_id"])
        prepare(args, env, idp, jsm)
        start_servers(args, env, logs, idp, started)
        wait_ready(env, args.sync_workers)
        report = measure(args, env, idp, jsm, started)
    finally:
        for proc in reversed(started):
            if proc is not None:
                proc.stop()
    write(report)
    return 0


def prepare(args, env, idp, jsm) -> None:
    import django
    import redis

    from bench import seed

    seed.database_recreate(name=config.DB_NAME, admin_dsn=f"{config.PG}/postgres")
    django.setup()
    seed.migrate()
    redis.Redis.from_url(config.REDIS).flushdb()
    seed.link_tenant_seed(idp=idp.info, client_secret=env.idp_secret, desks=args.desks)
    if jsm is not None:
        seed.jira_connect(slug=seed.LINK_TENANT, site_url=jsm.info["url"], email=jsm.info["email"], token=env.jsm_token)
        seed.sync_tenants_seed(
            count=args.tenants, site_url=jsm.info["url"], email=jsm.info["email"], token=env.jsm_token
        )


def measure(args, env, idp, jsm, started) -> dict:
    """Every section in turn; memory is read after the sign-ins and the full sync, before the smaller sync."""
    from bench import workers

    pids = {proc.name: proc.pid for proc in started if proc is not None}
    celery_pids = [pid for name, pid in pids.items() if name.startswith("celery")]
    endpoints = {"gateway": env.base_url, "idp": idp.info["base_url"]}
    baseline = workers.memory_snapshot(gunicorn_pid=pids["gunicorn"], celery_pids=celery_pids)
    rows, raw = measure_web(args, env, pids, endpoints)
    if jsm is not None and "portal" not in args.skip:
        from bench import portal_pages

        print("Portal pages...", flush=True)
        part, raw["portal"] = portal_pages.portal_section(args, urls=endpoints, jsm_url=jsm.info["url"])
        rows += part
    concurrency = args.sync_workers * args.sync_concurrency
    if "sync" not in args.skip:
        print("Sync...", flush=True)
        part, raw["sync"] = workers.sync_section(args, jsm=jsm, concurrency=concurrency, celery_pids=celery_pids)
        rows += part
    part, raw["memory"] = workers.memory_rows(gunicorn_pid=pids["gunicorn"], celery_pids=celery_pids, baseline=baseline)
    rows += part
    if "sync" not in args.skip:
        full = workers.stats.median([r["queries_per_tenant"] for r in raw["sync"]["rounds"]])
        part, raw["sync_small"] = workers.sync_small_section(
            args, jsm=jsm, concurrency=concurrency, celery_pids=celery_pids, queries_full=full
        )
        rows += part
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(), "params": vars(args),
            "rows": [row.as_dict() for row in rows], "raw": raw, "_rows": rows}  # fmt: skip


def link_urls(env) -> dict[str, str]:
    from bench import seed

    link_path = f"/{seed.LINK_TENANT}/portal/1/"
    return {
        "floor": f"{env.base_url}/bench/floor/",
        "gateway-link": f"{env.base_url}{link_path}",
        "gateway-login": f"{env.base_url}/{seed.LINK_TENANT}/login/{seed.PROVIDER_SLUG}/?next={link_path}",
        "peer": f"{env.base_url}/bench/peer/authenticate/",
        "peer-db": f"http://127.0.0.1:{env.peer_db_port}/bench/peer/authenticate/",
        "gateway-link-nolimits": f"http://127.0.0.1:{env.peer_db_port}{link_path}",
    }


SECOND_SERVER = ("peer-db", "gateway-link-nolimits")


def measure_web(args, env, pids: dict, endpoints: dict) -> tuple[list, dict]:
    from bench import web
    from bench.signin import Driver

    urls = link_urls(env)
    for url in urls.values():  # imports, the discovery cache, database connections
        for _ in range(10):
            procs.requests.get(url, allow_redirects=False, timeout=10)
    rows, raw = [], {}
    if "link" not in args.skip:
        print("Link to IdP (wrk)...", flush=True)
        servers = {side: pids["gunicorn-peer-db" if side in SECOND_SERVER else "gunicorn"] for side in urls}
        rows, raw["link"] = web.link_section(args, urls=urls, servers=servers)
    if "signin" not in args.skip:
        print("Sign-in...", flush=True)
        driver = Driver(processes=4, threads=max(1, args.clients // 4))
        try:
            part, raw["signin"] = web.signin_section(args, driver=driver, urls=endpoints, gunicorn_pid=pids["gunicorn"])
        finally:
            driver.close()
        rows += part
    return rows, raw


def machine() -> dict:
    """Where and on what code the figures were taken (a dirty tree means someone's uncommitted work ran too)."""
    import django

    def git(*argv):
        return subprocess.run(["git", *argv], cwd=config.ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603, S607

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.get_version(),
            "kernel": platform.release(), "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_files": len(git("status", "--porcelain").splitlines())}  # fmt: skip


def write(report: dict) -> None:
    from bench.stats import render_table

    rows = report.pop("_rows")
    print()
    print(render_table(rows))
    for row in rows:
        for note in row.notes:
            print(f"  {row.figure}: {note}")
    config.OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = report["date"].replace(":", "").replace("-", "")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (config.OUT_DIR / name).write_text(json.dumps(report, indent=2, default=str))
    print(f"\nJSON: {config.OUT_DIR / 'latest.json'}")


if __name__ == "__main__":
    sys.exit(main())
