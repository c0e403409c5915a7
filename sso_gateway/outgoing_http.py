"""Every call the gateway makes to another server goes through here: one configured session per kind of peer.

The shape of Zulip's `zerver/lib/outgoing_http.py`. Identity providers and Jira each get one `requests`
session, built lazily once per process (a forked worker builds its own rather than share its parent's
sockets), which
- waits at most settings.GATEWAY_HTTP_TIMEOUT (connect, read), so a peer cannot hang a worker;
- never follows a redirect: the 3xx is handed back to the caller (RFC 9110 15.4), so credentials meant
  for one host are never replayed to whatever host a `Location` names;
- connects only where `sso_gateway.destinations` allows (never into the gateway's own network: SSRF), to the
  very addresses it checked, so a name cannot resolve to one address for the check and another for the
  connection (DNS rebinding). TLS SNI, the certificate check and the Host header keep the URL's host name.
  Through a proxy (HTTPS_PROXY), the target's name is checked as it resolves here; the proxy resolves it
  again itself, so behind a proxy the proxy's own rules are the last word;
- refuses every cookie (RFC 6265 allows a client to): the session is shared by all tenants, and nothing a
  peer set during one tenant's call may travel with another's (many tenants use one Okta domain, and every
  scoped Jira token calls api.atlassian.com);
- reads at most the peer's cap of an answer, so a peer cannot fill a worker's memory;
- reads the environment's proxies and CA bundle once per origin (`environment_settings`) instead of
  scanning os.environ on every call, which is what `trust_env` would do;
- reports each call to the peer's metric.

Failures are types (`OutgoingError` and its subclasses) that callers turn into their own; no `requests`
exception leaves this module. Retries follow one policy, `RetryPolicy`: Atlassian's recommended backoff
(Jira Cloud platform, "Rate limiting"), which the provisioning worker's countdown also uses.

This is the bottom layer: it imports nothing from the apps.
"""

import functools
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit

import requests
from django.conf import settings

from sso_gateway import destinations, metrics

USER_AGENT = "jsm-sso-gateway"
IDP_MAX_RESPONSE_BYTES = 1024 * 1024  # a discovery document, a JWKS or a token response is a few KB
READ_CHUNK = 64 * 1024

# RFC 9110 9.2.2: only these may be sent twice without doing twice what they ask (TRACE is never sent).
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_ALWAYS = frozenset({429, 503})  # the peer says it did not act: safe to ask again whatever the method
RETRY_IDEMPOTENT = frozenset({500, 502, 504})  # the peer may have acted: ask again only if that is harmless
NAME_NOT_RESOLVED = ("NameResolution", "Name or service not known", "nodename nor servname")


def _sleep(seconds: float) -> None:
    """The one place a retry waits; module-level so tests replace it (tests/fixtures/jsm.py)."""
    time.sleep(seconds)


# -- errors
class OutgoingError(Exception):
    """The call produced no answer the caller may read. `cause` names what went wrong underneath
    (`ReadTimeout`, `ConnectionError`, ...): safe for messages and metrics, it never holds a URL or a secret."""

    def __init__(self, message: str, *, cause: str = ""):
        super().__init__(message)
        self.cause = cause or type(self).__name__


class OutgoingTimeout(OutgoingError):
    """No connection, or no answer, within the (connect, read) timeout."""


class OutgoingConnectionFailed(OutgoingError):
    """Refused, reset, a TLS failure or a broken answer: the peer may be back in a moment."""


class OutgoingNameNotResolved(OutgoingConnectionFailed):
    """DNS knows no such host: a wrong URL, which asking again will not fix."""


class OutgoingDestinationRefused(OutgoingError):
    """The URL leads inside the gateway's own network (`sso_gateway.destinations`); nothing was sent, and
    asking again will not change the answer. The message names the host and why, never a secret."""


class ResponseTooLarge(OutgoingError):
    """The answer is longer than the peer's cap (`limit`, bytes); the rest of it was not read."""

    def __init__(self, message: str, *, limit: int):
        super().__init__(message)
        self.limit = limit


# -- peers
@dataclass(frozen=True)
class Peer:
    """A kind of server the gateway calls. `max_bytes()` is read at each call, so settings may change it;
    `observe(method, what, outcome, seconds)` records one call, `outcome` being the answer's status or the
    exception that ended the call."""

    name: str
    max_bytes: Callable[[], int]
    observe: Callable[[str, str, int | Exception, float], None]
    headers: tuple[tuple[str, str], ...] = ()


def _observe_identity_provider(method: str, what: str, outcome: int | Exception, seconds: float) -> None:
    """gateway_idp_request_seconds{endpoint, outcome}: `ok` once an answer is read, whatever its status, else
    the failure's class name. An answer over the cap keeps the outcome it has always been counted under,
    `ProviderMisbehaved` (the sign-in error it becomes), so existing dashboards and alerts still match."""
    if isinstance(outcome, int):
        label = "ok"
    elif isinstance(outcome, ResponseTooLarge):
        label = "ProviderMisbehaved"
    else:
        label = type(outcome).__name__
    metrics.idp_request_observe(endpoint=what, outcome=label, seconds=seconds)


def _observe_jira(method: str, what: str, outcome: int | Exception, seconds: float) -> None:
    """gateway_jira_request_seconds{method, status} and gateway_jira_rate_limited: the status, or the failure's
    class name. An answer refused for its size is left out, as it always has been: the series counts answers
    read and calls that failed underneath, and the refusal is reported as the Jira error it becomes."""
    if isinstance(outcome, ResponseTooLarge):
        return
    status = outcome if isinstance(outcome, int) else type(outcome).__name__
    metrics.jira_request_observe(method=method, status=status, seconds=seconds)


IDENTITY_PROVIDER = Peer(
    "identity provider",
    max_bytes=lambda: IDP_MAX_RESPONSE_BYTES,
    observe=_observe_identity_provider,
)
JIRA = Peer(
    "jira",
    max_bytes=lambda: settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES,  # a page of JSON, or an attachment
    observe=_observe_jira,
    headers=(("Accept", "application/json"),),
)

_sessions: dict[str, tuple[int, requests.Session]] = {}


def session(peer: Peer) -> requests.Session:
    """This process's session to `peer`. It holds nothing of a tenant: credentials go with each call."""
    held = _sessions.get(peer.name)
    if held is None or held[0] != os.getpid():
        held = _sessions[peer.name] = (os.getpid(), _session_build(peer))
    return held[1]


def _session_build(peer: Peer) -> requests.Session:
    built = requests.Session()
    built.trust_env = False  # environment_settings reads the same, once per origin
    for prefix in ("https://", "http://"):
        built.mount(prefix, destinations.CheckedAdapter())
    built.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # refuses every cookie
    built.headers.update({**dict(peer.headers), "User-Agent": USER_AGENT})
    return built


@functools.lru_cache(maxsize=256)
def environment_settings(origin: str) -> dict:
    """`requests`' own reading of the environment for this origin (HTTPS_PROXY and NO_PROXY,
    REQUESTS_CA_BUNDLE): what `trust_env` would find on every call, read once per process."""
    return requests.Session().merge_environment_settings(origin, {}, None, None, None)


# -- one call
def send(peer: Peer, method: str, url: str, *, what: str = "", timeout=None, **kwargs) -> requests.Response:
    """One call, no retry. The answer comes back with its body read (`.content`), a 3xx included.
    `what` names the call in metrics ("token endpoint"); `kwargs` go to `requests` (auth, params, json, ...)."""
    parts = urlsplit(url)
    environment = environment_settings(f"{parts.scheme}://{parts.netloc}")
    started = time.perf_counter()
    try:
        raw = session(peer).request(
            method,
            url,
            timeout=timeout or tuple(settings.GATEWAY_HTTP_TIMEOUT),
            allow_redirects=False,
            stream=True,
            proxies=environment["proxies"],
            verify=environment["verify"],
            **kwargs,
        )
        response = _read_bounded(raw, limit=peer.max_bytes())
    except destinations.DestinationRefused as exc:
        refused = OutgoingDestinationRefused(
            f"The gateway does not call addresses inside its own network: {exc}", cause="DestinationRefused"
        )
        peer.observe(method, what, refused, time.perf_counter() - started)
        raise refused from None
    except (requests.RequestException, ResponseTooLarge) as exc:
        peer.observe(method, what, exc, time.perf_counter() - started)
        if isinstance(exc, ResponseTooLarge):
            raise
        raise _failure(exc, host=parts.hostname or "") from exc
    peer.observe(method, what, response.status_code, time.perf_counter() - started)
    return response


def _read_bounded(raw: requests.Response, *, limit: int) -> requests.Response:
    chunks, size = [], 0
    with raw:
        for chunk in raw.iter_content(chunk_size=READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(f"The answer is larger than {limit} bytes; it was not read.", limit=limit)
            chunks.append(chunk)
    raw._content = b"".join(chunks)
    return raw


def _failure(exc: requests.RequestException, *, host: str) -> OutgoingError:
    cause = type(exc).__name__
    if isinstance(exc, requests.Timeout):
        return OutgoingTimeout(f"{host} did not answer in time.", cause=cause)
    if any(marker in str(exc) for marker in NAME_NOT_RESOLVED):
        return OutgoingNameNotResolved(f"There is no host {host}.", cause=cause)
    return OutgoingConnectionFailed(f"Could not reach {host} ({cause}).", cause=cause)


# -- retries
@dataclass(frozen=True)
class RetryPolicy:
    """Atlassian's recommended backoff (Jira Cloud platform, "Rate limiting"): wait what the peer asks
    (`retry_after_seconds`), else exponentially from `start`, doubling, capped at `cap`, jittered ×0.7–1.3 so
    that many clients do not come back at once; at most `max_retries` more attempts. A wait longer than
    `max_wait` is not waited out here: the caller reports it (a worker can wait, a customer at the sign-in
    should not). `sleep` replaces the module's `_sleep` for one policy."""

    max_retries: int = 4
    start: float = 5.0
    cap: float = 30.0
    jitter: tuple[float, float] = (0.7, 1.3)
    max_wait: float = 60.0
    sleep: Callable[[float], None] | None = None

    def delay(self, attempt: int, response: requests.Response | None) -> float:
        """Seconds to wait after attempt number `attempt` (0 for the first) failed with `response`, if any."""
        hinted = retry_after_seconds(response.headers) if response is not None else None
        if hinted is not None:
            return hinted
        return min(self.cap, self.start * 2**attempt) * random.uniform(*self.jitter)  # noqa: S311

    def wait(self, seconds: float) -> None:
        (self.sleep or _sleep)(seconds)

    def backoff(self, attempt: int, response: requests.Response | None) -> bool:
        """Wait before the next attempt; False, without waiting, when the wait is longer than `max_wait`."""
        delay = self.delay(attempt, response)
        if delay > self.max_wait:
            return False
        self.wait(delay)
        return True


def retry_after_seconds(headers) -> float | None:
    """Seconds to wait from `Retry-After` (RFC 9110 10.2.3: delay-seconds or an HTTP-date) or, from Jira,
    `X-RateLimit-Reset` (an ISO 8601 timestamp, Jira Cloud platform "Rate limiting"); None without a hint."""
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


def retryable(status: int, *, idempotent: bool) -> bool:
    return status in RETRY_ALWAYS or (idempotent and status in RETRY_IDEMPOTENT)


def send_with_retries(peer: Peer, method: str, url: str, *, retry: RetryPolicy, **kwargs) -> requests.Response:
    """`send`, again after a backoff while it is worth it. 429 and 503 are retried for every method (the peer
    did not act); 500, 502, 504, a timeout and a failed connection only for idempotent methods, where doing
    it twice is harmless. Returns the last answer (the caller decides what its status means) or raises the
    last `OutgoingError`."""
    idempotent = method.upper() in IDEMPOTENT
    attempt = 0
    while True:
        last_try = attempt >= retry.max_retries
        try:
            response = send(peer, method, url, **kwargs)
        except (OutgoingTimeout, OutgoingConnectionFailed) as exc:
            worth_it = idempotent and not isinstance(exc, OutgoingNameNotResolved)
            if not worth_it or last_try or not retry.backoff(attempt, None):
                raise
        else:
            if not retryable(response.status_code, idempotent=idempotent) or last_try:
                return response
            if not retry.backoff(attempt, response):
                return response
        attempt += 1
