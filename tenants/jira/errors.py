"""What can go wrong when the gateway talks to Jira, as types with a message an admin can act on.

Raised low (in `client.py`), turned into admin messages, sync-run errors or customer pages in one
place each. Messages never quote a token or a response body that might echo one.
"""

SERVICE_ACCOUNT_DOMAIN = "serviceaccount.atlassian.com"


class JiraError(Exception):
    """Base: `str(error)` is a plain-words sentence saying what to fix."""

    status: int | None = None

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class JiraBadCredentials(JiraError):
    """401: Jira did not accept the email + API token pair."""


class JiraNotAdministrator(JiraError):
    """403, or /mypermissions without ADMINISTER: the account is not a Jira administrator."""


class JiraSiteNotFound(JiraError):
    """The site URL does not lead to a Jira Cloud site (DNS, 404 at the root, a redirect elsewhere)."""


class JiraNotFound(JiraError):
    """404 on a resource (a service desk, a request) that the account cannot see or that is gone."""


class JiraRequestRejected(JiraError):
    """Any other 4xx: Jira understood the request and refused it (its own message is kept)."""


class JiraCustomerExists(JiraRequestRejected):
    """POST /rest/servicedeskapi/customer for an email Jira already knows (400, or 409 when strict)."""


class JiraTransientError(JiraError):
    """Worth retrying later: the customer's provisioning is queued for a worker."""


class JiraRateLimited(JiraTransientError):
    """429 after the client's own retries; `retry_after` (seconds) is Jira's hint, when it gave one."""

    def __init__(self, message: str, *, status: int | None = 429, retry_after: float | None = None):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class JiraUnavailable(JiraTransientError):
    """5xx, a timeout or a refused connection."""


def bad_credentials(*, email: str, scoped: bool) -> JiraBadCredentials:
    if not scoped and email.lower().endswith("@" + SERVICE_ACCOUNT_DOMAIN):
        return JiraBadCredentials(
            "Jira refused the API token. This token belongs to a service account: choose the scoped-token "
            "option (“Scoped API token of an Atlassian service account”) and save again.",
            status=401,
        )
    if scoped:
        return JiraBadCredentials(
            "Jira refused the scoped API token at api.atlassian.com. Check the service account's email and "
            "token, and that the token has the Jira and Jira Service Management scopes.",
            status=401,
        )
    return JiraBadCredentials(
        "Jira refused the email and API token. Check both (create a token at id.atlassian.com → Security → "
        "API tokens). If this is a service account's scoped token, choose the scoped-token option.",
        status=401,
    )
