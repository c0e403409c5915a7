"""The transport under the Jira client: one pooled `requests` session per process, credentials per call.

The session (`shared_session`) is shared by every connection a process talks to, so a worker that
syncs many tenants of one host (api.atlassian.com for scoped tokens) reuses its connections and TLS
sessions instead of opening new ones per tenant. It holds nothing of a tenant: each request carries
its own Basic auth, and cookies are refused, so nothing one tenant's account received is ever sent
with another's. urllib3's pool is thread-safe (gunicorn threads share it); a forked process builds
its own session rather than share sockets with its parent.

Every call has (connect, read) timeouts (settings.GATEWAY_HTTP_TIMEOUT), never follows a redirect
with credentials, authenticates with HTTP Basic (email + API token) and retries 429/503 the way
Atlassian recommends (Jira Cloud "Rate limiting" page): honour `Retry-After` / `X-RateLimit-Reset`,
else exponential backoff from 5 s, doubling, capped at 30 s, jittered ×0.7–1.3, at most 4 retries.

Base URL: the site URL for a classic token; `{GATEWAY_ATLASSIAN_API_URL}/ex/jira/<cloudId>` for a
service account's scoped token (../shared/specs/README.md). Shapes: ../shared/specs/*.openapi.json.
"""

import functools
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Self
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings

from sso_gateway import metrics
from tenants.jira import errors

RETRY_ALWAYS = frozenset({429, 503})
RETRY_IDEMPOTENT = frozenset({500, 502, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def _sleep(seconds: float) -> None:
    """Module-level so tests can replace it (see tests/tenants/jira/conftest.py)."""
    time.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Atlassian's recommended backoff. `max_wait`: a longer Retry-After is not waited out here."""

    max_retries: int = 4
    start: float = 5.0
    cap: float = 30.0
    jitter: tuple[float, float] = (0.7, 1.3)
    max_wait: float = 60.0
    sleep: Callable[[float], None] | None = None

    def delay(self, attempt: int, response: requests.Response | None) -> float:
        hinted = retry_after_seconds(response.headers) if response is not None else None
        if hinted is not None:
            return hinted
        return min(self.cap, self.start * 2**attempt) * random.uniform(*self.jitter)  # noqa: S311

    def wait(self, seconds: float) -> None:
        (self.sleep or _sleep)(seconds)


#: A customer waits at the sign-in: one short retry, then the worker takes over.
INTERACTIVE = RetryPolicy(max_retries=1, start=1.0, cap=2.0, max_wait=3.0)


def retry_after_seconds(headers) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset` (ISO 8601)."""
    value = headers.get("Retry-After")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
        except ValueError:
            return None
    return None


_session: tuple[int, requests.Session] | None = None


def shared_session() -> requests.Session:
    """This process's session to Jira (see the module docstring): no auth, no cookies, common headers.

    It does not read the environment on each call (`trust_env`, ~0.1 ms of scanning os.environ per
    request); `environment_settings` reads the same proxies and CA bundle once per base URL instead.
    """
    global _session
    if _session is None or _session[0] != os.getpid():
        session = requests.Session()
        session.trust_env = False
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # refuses every cookie
        session.headers.update({"Accept": "application/json", "User-Agent": "jsm-sso-gateway"})
        _session = (os.getpid(), session)
    return _session[1]


@functools.lru_cache(maxsize=256)
def environment_settings(base_url: str) -> dict:
    """`requests`' own reading of the environment for this base URL (HTTPS_PROXY and NO_PROXY,
    REQUESTS_CA_BUNDLE): what `trust_env` would find on every call, read once per process."""
    return requests.Session().merge_environment_settings(base_url, {}, None, None, None)


def api_gateway_url() -> str:
    return settings.GATEWAY_ATLASSIAN_API_URL.rstrip("/")


def scoped_base_url(cloud_id: str) -> str:
    return f"{api_gateway_url()}/ex/jira/{quote(cloud_id, safe='')}"


def fetch_cloud_id(site_url: str) -> str:
    """The site's cloudId from `<site>/_edge/tenant_info` (public, no credentials sent)."""
    url = site_url.rstrip("/") + "/_edge/tenant_info"
    try:
        response = requests.get(url, timeout=settings.GATEWAY_HTTP_TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise _connection_error(exc, site_url) from None
    if response.status_code != 200:
        raise errors.JiraSiteNotFound(
            f"{site_url} does not look like a Jira Cloud site (its /_edge/tenant_info answered "
            f"{response.status_code}). Check the site URL, e.g. https://your-site.atlassian.net.",
            status=response.status_code,
        )
    try:
        return str(response.json()["cloudId"])
    except (ValueError, KeyError, TypeError):
        raise errors.JiraSiteNotFound(f"{site_url} did not say which Jira Cloud site it is (no cloudId).") from None


def read_bounded(response: requests.Response) -> requests.Response:
    """Reads a streamed answer into `response.content`, refusing one larger than GATEWAY_JIRA_MAX_RESPONSE_BYTES:
    a Jira page is JSON of a few hundred KB at most; an attachment is capped at the same size."""
    limit = settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES
    chunks, size = [], 0
    with response:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > limit:
                raise errors.JiraRequestRejected(
                    f"Jira's answer is larger than {limit // (1024 * 1024)} MB; the gateway does not read it."
                )
            chunks.append(chunk)
    response._content = b"".join(chunks)
    return response


def _connection_error(exc: requests.RequestException, where: str) -> errors.JiraError:
    if isinstance(exc, requests.Timeout):
        return errors.JiraUnavailable(f"Jira at {where} did not answer in time; try again in a few minutes.")
    text = str(exc)
    if "NameResolution" in text or "Name or service not known" in text or "nodename nor servname" in text:
        return errors.JiraSiteNotFound(f"There is no site at {where}. Check the site URL.")
    return errors.JiraUnavailable(f"Could not reach Jira at {where}; try again in a few minutes.")


def jira_message(response: requests.Response) -> str:
    """Jira's own words: JSM `errorMessage`, platform `errorMessages` / `errors` (specs README)."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [data.get("errorMessage") or ""]
    parts += [str(m) for m in data.get("errorMessages") or []]
    parts += [f"{k}: {v}" for k, v in (data.get("errors") or {}).items()]
    return " ".join(p for p in parts if p)[:300]


class Transport:
    """One connection's calls over the shared session: send, retry, turn HTTP failures into `errors.py` types."""

    def __init__(
        self,
        *,
        base_url: str,
        email: str,
        api_token: str,
        scoped: bool = False,
        retry: RetryPolicy | None = None,
        timeout=None,
    ):
        self.base_url = base_url.rstrip("/")
        self.email = email
        self.scoped = scoped
        self.retry = retry or RetryPolicy(max_retries=settings.GATEWAY_JIRA_MAX_RETRIES)
        self.timeout = timeout or settings.GATEWAY_HTTP_TIMEOUT
        self.auth = (email, str(api_token))  # sent with each request, never stored on the shared session
        self.session = shared_session()

    @classmethod
    def for_connection(cls, connection, *, retry: RetryPolicy | None = None) -> Self:
        """Needs `connection.cloud_id` for a scoped token (services resolve it first)."""
        scoped = connection.auth_mode == "scoped"
        base = scoped_base_url(connection.cloud_id) if scoped else connection.site_url
        return cls(base_url=base, email=connection.email, api_token=connection.api_token, scoped=scoped, retry=retry)

    # -- transport
    def request(self, method: str, path: str, *, params=None, json=None, headers=None) -> requests.Response:
        """429 and 503 are retried for every method (Jira did not act); 500, 502, 504 and a timeout or a
        refused connection only for idempotent methods, where doing it twice is harmless."""
        idempotent = method.upper() in IDEMPOTENT
        for attempt in range(self.retry.max_retries + 1):
            last_try = attempt == self.retry.max_retries
            try:
                response = self._send(method, path, params=params, json=json, headers=headers)
            except errors.JiraUnavailable:
                if not idempotent or last_try or not self._backoff(attempt, None):
                    raise
                continue
            retryable = response.status_code in RETRY_ALWAYS or (
                idempotent and response.status_code in RETRY_IDEMPOTENT
            )
            if not retryable or last_try or not self._backoff(attempt, response):
                break
        return self._check(response)

    def _backoff(self, attempt: int, response: requests.Response | None) -> bool:
        """Wait before the next attempt; False when the wait asked for is longer than we wait here."""
        delay = self.retry.delay(attempt, response)
        if delay > self.retry.max_wait:
            return False
        self.retry.wait(delay)
        return True

    def _send(self, method, path, **kwargs) -> requests.Response:
        started = time.perf_counter()
        environment = environment_settings(self.base_url)
        try:
            response = read_bounded(
                self.session.request(
                    method,
                    self.base_url + path,
                    auth=self.auth,
                    proxies=environment["proxies"],
                    verify=environment["verify"],
                    timeout=self.timeout,
                    allow_redirects=False,
                    stream=True,
                    **kwargs,
                )
            )
        except requests.RequestException as exc:
            metrics.jira_request_observe(
                method=method, status=type(exc).__name__, seconds=time.perf_counter() - started
            )
            raise _connection_error(exc, urlsplit(self.base_url).netloc) from None
        metrics.jira_request_observe(method=method, status=response.status_code, seconds=time.perf_counter() - started)
        return response

    def _check(self, response: requests.Response) -> requests.Response:
        status = response.status_code
        if status < 300:
            return response
        said = jira_message(response)
        if status < 400:
            where = urlsplit(response.headers.get("Location", "")).netloc or "another address"
            raise errors.JiraSiteNotFound(
                f"Jira answered with a redirect to {where}. Check the site URL "
                "(it looks like https://your-site.atlassian.net).",
                status=status,
            )
        if status == 401:
            raise errors.bad_credentials(email=self.email, scoped=self.scoped)
        if status == 403:
            raise errors.JiraNotAdministrator(
                "The account is not allowed to do this in Jira; make it a Jira administrator "
                "(and a Jira Service Management agent). " + said,
                status=status,
            )
        if status == 404:
            raise errors.JiraNotFound(
                said or "Jira does not know this item (or the account cannot see it).", status=404
            )
        if status == 429:
            raise errors.JiraRateLimited(
                "Jira is rate-limiting the gateway; it will try again later.",
                retry_after=retry_after_seconds(response.headers),
            )
        if status >= 500:
            raise errors.JiraUnavailable(
                f"Jira is unavailable (HTTP {status}); try again in a few minutes.", status=status
            )
        raise errors.JiraRequestRejected(said or f"Jira refused the request (HTTP {status}).", status=status)

    def get(self, path: str, **params):
        return self.request("GET", path, params=params or None).json()

    def paged(self, path: str, *, limit: int = 50, headers=None, **params) -> Iterator[dict]:
        """JSM paging: `start`/`limit` until `isLastPage`; the server may cap `limit` silently."""
        start = 0
        while True:
            page = self.request("GET", path, params={**params, "start": start, "limit": limit}, headers=headers).json()
            values = page.get("values") or []
            yield from values
            if page.get("isLastPage", True) or not values:
                return
            start += len(values)
