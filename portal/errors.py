"""Why a portal page cannot be shown, as page errors.

`sso_gateway.pages.renders_page_errors` renders them as it renders a failed sign-in: the same error
page, a status (404, 403, 410, 503; never a 500) and a reference id the admin can find in the log.
`portal.pages` turns the Jira client's errors into these.
"""

from django.utils.translation import gettext_lazy as _

from sso_gateway.pages import PageError


class PortalError(PageError):
    kind = "portal"
    reason = "portal_error"


class DeskUnavailable(PortalError):
    status = 410
    reason = "desk_unavailable"
    title = _("This service desk is no longer available")
    advice = _("The link may be out of date. Open the help center's home page to see what is available.")


class DeskUnknown(DeskUnavailable):
    """A desk id this tenant never had: not found, not "no longer available" (it never was)."""

    status = 404
    reason = "desk_unknown"
    title = _("We could not find this service desk")
    advice = _("Check the link you were sent, or open the help center's home page to see the service desks.")


class RequestNotFound(PortalError):
    """Unknown key, or a request that is not this customer's: both 404, so keys cannot be probed."""

    status = 404
    reason = "request_not_found"
    title = _("We could not find this request")
    advice = _("It may have been moved, or it was raised by someone else. Open “My requests” to see yours.")


class RequestTypeNotFound(PortalError):
    status = 404
    reason = "request_type_not_found"
    title = _("This kind of request is not available")
    advice = _("Go back to the portal page and choose what you need from the list.")


class AccessRefused(PortalError):
    """The desk's access rules (ServiceDesk.access) do not include this customer."""

    status = 403
    reason = "portal_access_refused"
    title = _("You do not have access to this portal")
    advice = _("Ask the help desk team of this company (or your own administrator) to give you access.")

    def __init__(self, detail: str = "", *, advice: str = ""):
        super().__init__(detail)
        if advice:
            self.advice = advice


class JiraDown(PortalError):
    """Jira did not answer, or kept rate-limiting after the client's retries."""

    status = 503
    reason = "jira_unavailable"
    title = _("The help desk is not answering right now")
    advice = _("This is usually temporary. Wait a minute and try again; nothing you sent was lost.")


class JiraRefused(PortalError):
    """Jira understood the call and refused it in a way the customer cannot fix (permissions, configuration)."""

    status = 502
    reason = "jira_refused"
    title = _("The help desk could not do this")
    advice = _("Please try again later. If it keeps happening, tell the help desk the reference below.")


class NotProvisioned(PortalError):
    """The customer has no Jira account yet; a request is never raised as the service account instead."""

    status = 409
    reason = "not_provisioned"
    title = _("Your access is still being set up")
    advice = _("Please go back to the portal page in a few minutes and send your request again.")
