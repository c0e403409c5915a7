"""Sign-in driver: many concurrent "browsers", each doing start URL → provider /authorize → callback.

Plain http.client with keep-alive connections, threads in a few processes (spawned, so they carry no
Django state), so that the driver costs the 2-core machine as little as possible. A flow counts as
a sign-in only if the callback answers 302 (the gateway's success); anything else is a failure.
"""

import http.client
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit


class Browser:
    """One visitor: a keep-alive connection to the gateway and one to the provider, and a cookie jar."""

    def __init__(self, gateway: str, idp: str):
        self.gateway = http.client.HTTPConnection(urlsplit(gateway).netloc, timeout=30)
        self.idp = http.client.HTTPConnection(urlsplit(idp).netloc, timeout=30)
        self.gateway_netloc = urlsplit(gateway).netloc
        self.cookies: dict = {}  # the last successful sign-in's (the session cookie), for the portal pages

    def get(self, connection, target: str, cookies: dict) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in rest.lower():
                cookies[name.strip()] = value
            else:
                cookies.pop(name.strip(), None)
        return response.status, response.headers.get("Location", "")

    def sign_in(self, start_path: str) -> tuple[bool, str]:
        cookies: dict = {}
        status, location = self.get(self.gateway, start_path, cookies)
        for _ in range(5):  # the gateway's own redirects before it leaves for the provider
            if status != 302 or not location.startswith("/"):
                break
            status, location = self.get(self.gateway, location, cookies)
        if status != 302 or "/authorize" not in location:
            return False, f"start answered {status}"
        parts = urlsplit(location)
        status, location = self.get(self.idp, f"{parts.path}?{parts.query}", cookies)
        if status != 302:
            return False, f"authorize answered {status}"
        parts = urlsplit(location)
        if parts.netloc != self.gateway_netloc:
            return False, "the provider sent the browser elsewhere"
        status, _ = self.get(self.gateway, f"{parts.path}?{parts.query}", cookies)
        if status != 302:
            return False, f"callback answered {status}"
        self.cookies = cookies
        return True, ""


def _thread(gateway: str, idp: str, start_path: str, flows: int) -> tuple[list[float], list[str]]:
    browser, latencies, failures = Browser(gateway, idp), [], []
    for _ in range(flows):
        began = time.perf_counter()
        try:
            ok, why = browser.sign_in(start_path)
        except (OSError, http.client.HTTPException) as exc:
            ok, why = False, type(exc).__name__
            browser = Browser(gateway, idp)
        if ok:
            latencies.append(time.perf_counter() - began)
        else:
            failures.append(why)
    return latencies, failures


def _process(job: tuple) -> tuple[list[float], list[str]]:
    gateway, idp, start_path, flows, threads = job
    shares = split(flows, threads)
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(lambda n: _thread(gateway, idp, start_path, n), shares))
    return [x for lat, _ in parts for x in lat], [x for _, fails in parts for x in fails]


def split(total: int, parts: int) -> list[int]:
    """`total` as `parts` near-equal shares (the first ones one larger)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


class Driver:
    """A pool of spawned processes kept for the whole section (spawning is not what is measured)."""

    def __init__(self, *, processes: int, threads: int):
        self.processes, self.threads = processes, threads
        self.pool = multiprocessing.get_context("spawn").Pool(processes)

    def run(self, *, gateway: str, idp: str, start_path: str, flows: int) -> dict:
        jobs = [(gateway, idp, start_path, n, self.threads) for n in split(flows, self.processes) if n]
        began = time.perf_counter()
        parts = self.pool.map(_process, jobs)
        wall = time.perf_counter() - began
        latencies = [x for lat, _ in parts for x in lat]
        failures = [x for _, fails in parts for x in fails]
        ok, failed = len(latencies), len(failures)
        return {"wall": wall, "ok": ok, "failed": failed, "latencies": latencies, "why": failures[:5]}

    def close(self) -> None:
        """Between runs nothing is pending; after an interrupt, nothing left is worth waiting for."""
        self.pool.terminate()
        self.pool.join()
