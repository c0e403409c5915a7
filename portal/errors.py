"""Why a portal page cannot be shown, as types (issue 5).

They subclass `SignInError` so the one place that turns errors into pages
(`providers.oidc.pages.renders_sign_in_errors`) renders them too: the same error page, a status
(404, 403, 503; never a 500) and a reference id the admin can find in the log. `portal.pages`
turns the Jira client's errors into these.
"""

from providers.oidc.errors import SignInError


class PortalError(SignInError):
    reason = "portal_error"


class RequestNotFound(PortalError):
    """Unknown key, or a request that is not this customer's: both 404, so keys cannot be probed."""

    status = 404
    reason = "request_not_found"
    title = "We could not find this request"
    advice = "It may have been moved, or it was raised by someone else. Open “My requests” to see yours."


class RequestTypeNotFound(PortalError):
    status = 404
    reason = "request_type_not_found"
    title = "This kind of request is not available"
    advice = "Go back to the portal page and choose what you need from the list."


class AccessRefused(PortalError):
    """The desk's access rules (ServiceDesk.access) do not include this customer."""

    status = 403
    reason = "portal_access_refused"
    title = "You do not have access to this portal"
    advice = "Ask the help desk team of this company (or your own administrator) to give you access."

    def __init__(self, detail: str = "", *, advice: str = ""):
        super().__init__(detail)
        if advice:
            self.advice = advice


class JiraDown(PortalError):
    """Jira did not answer, or kept rate-limiting after the client's retries."""

    status = 503
    reason = "jira_unavailable"
    title = "The help desk is not answering right now"
    advice = "This is usually temporary. Wait a minute and try again; nothing you sent was lost."


class JiraRefused(PortalError):
    """Jira understood the call and refused it in a way the customer cannot fix (permissions, configuration)."""

    status = 502
    reason = "jira_refused"
    title = "The help desk could not do this"
    advice = "Please try again later. If it keeps happening, tell the help desk the reference below."
