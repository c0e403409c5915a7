"""Portal pages: help center, a service desk's portal page and My requests, for a signed-in customer, with the
fake Jira site answering every call after 50 ms. Cold = the portal's Jira cache (keys `gw.portal:*`) emptied
just before the request; warm = the same request again. Cold and warm alternate (A B A B); Jira calls per page
are the fake site's own count. Baseline: the time Jira alone makes the page wait (calls x latency).
"""

import time

import redis
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from bench import seed, stats, sync
from bench.signin import Browser
from bench.stats import Row


def pages() -> dict[str, str] | None:
    """The pages to load, or None while the portal's pages are not in the code yet."""
    try:
        return {
            "help center": reverse("portal:home", args=[seed.LINK_TENANT]),
            "portal page": reverse("portal:desk", args=[seed.LINK_TENANT, "1"]),
            "my requests": reverse("portal:requests", args=[seed.LINK_TENANT]),
        }
    except NoReverseMatch:
        return None


def _cold() -> None:
    store = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(store.scan_iter(match="*gw.portal:*", count=1000))
    if keys:
        store.delete(*keys)


def _load(browser: Browser, path: str, jsm_url: str) -> tuple[float, int, int]:
    calls = sync.jsm_calls(jsm_url)
    began = time.perf_counter()
    status, _ = browser.get(browser.gateway, path, dict(browser.cookies))
    return time.perf_counter() - began, sync.jsm_calls(jsm_url) - calls, status


def portal_section(args, *, urls: dict[str, str], jsm_url: str) -> tuple[list[Row], dict]:
    paths = pages()
    if paths is None:
        return [], {"skipped": "the portal's pages are not in this checkout"}
    browser = Browser(urls["gateway"], urls["idp"])
    ok, why = browser.sign_in(paths["portal page"])
    if not ok:
        raise RuntimeError(f"portal pages: the sign-in failed ({why})")
    for path in paths.values():  # provisioning in Jira happens on the first visit; not what is measured
        _load(browser, path, jsm_url)
    samples = {(page, mode): [] for page in paths for mode in ("cold", "warm")}
    for _ in range(5 if args.quick else 20):
        for page, path in paths.items():
            for mode in ("cold", "warm"):
                if mode == "cold":
                    _cold()
                samples[page, mode].append(_load(browser, path, jsm_url))
    return _rows(samples, latency=args.latency), {
        f"{page} {mode}": [{"seconds": s, "jira_calls": c, "status": st} for s, c, st in values]
        for (page, mode), values in samples.items()
    }


def _rows(samples: dict, *, latency: float) -> list[Row]:
    rows = []
    for (page, mode), values in samples.items():
        seconds = [s for s, _, _ in values]
        calls = stats.median([c for _, c, _ in values])
        p50, p95 = 1000 * stats.percentile(seconds, 50), 1000 * stats.percentile(seconds, 95)
        wait = calls * latency * 1000
        row = Row("portal pages", f"{page}, {mode}: p50", p50, "ms", f"Jira wait {wait:.0f} ms", stats.ratio(p50, wait))
        row.notes.append(f"p95 {p95:.0f} ms; statuses {sorted({st for _, _, st in values})}")
        rows.append(row)
        target = "≤ 1" if mode == "warm" else ""
        rows.append(Row("portal pages", f"{page}, {mode}: Jira calls", calls, "", "", None, target,
                        calls <= 1 if mode == "warm" else None))  # fmt: skip
    return rows
