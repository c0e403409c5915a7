"""The transport under the Jira client: Jira's calls over `sso_gateway.outgoing_http`, credentials per call.

The session is the module's Jira session, one per process and shared by every connection it talks to, so a
worker that syncs many tenants of one host (api.atlassian.com for scoped tokens) reuses its connections and
TLS sessions instead of opening new ones per tenant. It holds nothing of a tenant: each request carries its
own Basic auth (email + API token), and cookies are refused, so nothing one tenant's account received is
ever sent with another's. The module also brings the (connect, read) timeouts, the refusal to follow a
redirect with credentials, the cap on an answer (settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES) and Atlassian's
recommended backoff (Jira Cloud "Rate limiting"): honour `Retry-After` / `X-RateLimit-Reset`, else 5 s,
doubling, capped at 30 s, jittered ×0.7–1.3, at most 4 retries. What is Jira's own stays here: the base
URLs, and what each failure and each status means to an admin (`_check`, `_failed`).

Base URL: the site URL for a classic token; `{GATEWAY_ATLASSIAN_API_URL}/ex/jira/<cloudId>` for a
service account's scoped token (../shared/specs/README.md). Shapes: ../shared/specs/*.openapi.json.
"""

from collections.abc import Iterator
from typing import Self
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings

from sso_gateway import outgoing_http
from sso_gateway.outgoing_http import JIRA, RetryPolicy, retry_after_seconds
from tenants.jira import errors

#: A customer waits at the sign-in: one short retry, then the worker takes over.
INTERACTIVE = RetryPolicy(max_retries=1, start=1.0, cap=2.0, max_wait=3.0)


def api_gateway_url() -> str:
    return settings.GATEWAY_ATLASSIAN_API_URL.rstrip("/")


def scoped_base_url(cloud_id: str) -> str:
    return f"{api_gateway_url()}/ex/jira/{quote(cloud_id, safe='')}"


def fetch_cloud_id(site_url: str) -> str:
    """The site's cloudId from `<site>/_edge/tenant_info` (public, no credentials sent)."""
    url = site_url.rstrip("/") + "/_edge/tenant_info"
    try:
        response = outgoing_http.send(JIRA, "GET", url, what="tenant_info")
    except outgoing_http.OutgoingError as exc:
        raise _failed(exc, site_url) from None
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


def _failed(exc: outgoing_http.OutgoingError, where: str) -> errors.JiraError:
    """What a call that got no usable answer means to an admin; a wrong host is a wrong site URL."""
    if isinstance(exc, outgoing_http.ResponseTooLarge):
        return errors.JiraRequestRejected(
            f"Jira's answer is larger than {exc.limit // (1024 * 1024)} MB; the gateway does not read it."
        )
    if isinstance(exc, outgoing_http.OutgoingTimeout):
        return errors.JiraUnavailable(f"Jira at {where} did not answer in time; try again in a few minutes.")
    if isinstance(exc, outgoing_http.OutgoingDestinationRefused):
        return errors.JiraSiteNotFound(f"{exc} Check the site URL.")
    if isinstance(exc, outgoing_http.OutgoingNameNotResolved):
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
        language: str = "",
    ):
        self.base_url = base_url.rstrip("/")
        self.email = email
        self.scoped = scoped
        self.retry = retry or RetryPolicy(max_retries=settings.GATEWAY_JIRA_MAX_RETRIES)
        self.timeout = timeout or settings.GATEWAY_HTTP_TIMEOUT
        self.auth = (email, str(api_token))  # sent with each request, never stored on the shared session
        #: The customer's language, sent as Accept-Language: JSM answers request type and field names in it.
        self.language = language

    @classmethod
    def for_connection(cls, connection, *, retry: RetryPolicy | None = None, language: str = "") -> Self:
        """Needs `connection.cloud_id` for a scoped token (services resolve it first)."""
        scoped = connection.auth_mode == "scoped"
        base = scoped_base_url(connection.cloud_id) if scoped else connection.site_url
        return cls(
            base_url=base,
            email=connection.email,
            api_token=connection.api_token,
            scoped=scoped,
            retry=retry,
            language=language,
        )

    @property
    def session(self) -> requests.Session:
        """This process's Jira session, shared by every connection (see the module docstring)."""
        return outgoing_http.session(JIRA)

    # -- transport
    def request(self, method: str, path: str, *, params=None, json=None, headers=None, files=None) -> requests.Response:
        """One call with `outgoing_http`'s retry rules: 429 and 503 again for every method (Jira did not act);
        500, 502, 504, a timeout or a refused connection again only for idempotent methods."""
        try:
            response = outgoing_http.send_with_retries(
                JIRA, method, self.base_url + path, retry=self.retry, **self._call(params, json, headers, files)
            )
        except outgoing_http.OutgoingError as exc:
            raise _failed(exc, urlsplit(self.base_url).netloc) from None
        return self._check(response)

    def _send(self, method, path, *, params=None, json=None, headers=None, files=None) -> requests.Response:
        """One call, no retry and no `_check`: the caller reads the answer (a redirect, for an attachment)."""
        try:
            return outgoing_http.send(JIRA, method, self.base_url + path, **self._call(params, json, headers, files))
        except outgoing_http.OutgoingError as exc:
            raise _failed(exc, urlsplit(self.base_url).netloc) from None

    def _call(self, params, json, headers, files) -> dict:
        if self.language and not any(k.lower() == "accept-language" for k in headers or {}):
            headers = {**(headers or {}), "Accept-Language": self.language}
        return {
            "auth": self.auth,
            "timeout": self.timeout,
            "params": params,
            "json": json,
            "headers": headers,
            "files": files,
        }

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
