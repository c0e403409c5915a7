"""The portal's side of "errors become pages in one place": Jira errors → portal error types.

`renders_portal_errors` wraps a portal view in `renders_sign_in_errors` (the one error page) and,
inside it, turns what the Jira client raises into `portal.errors` types: Jira down or rate-limited
after the client's retries is a 503 page with a reference id; never a 500 (issue 5, point 7).
"""

import logging
from functools import wraps

from portal import errors
from providers.oidc.pages import renders_sign_in_errors
from tenants.jira import errors as jira_errors
from tenants.services import NoJiraConnection

logger = logging.getLogger("gateway.portal")


def renders_portal_errors(view):
    @renders_sign_in_errors
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NoJiraConnection as exc:
            raise errors.JiraDown(str(exc), reason="no_jira_connection") from exc
        except jira_errors.JiraTransientError as exc:
            raise errors.JiraDown(str(exc)) from exc
        except jira_errors.JiraNotFound as exc:
            raise errors.RequestNotFound(str(exc)) from exc
        except jira_errors.JiraError as exc:
            raise errors.JiraRefused(str(exc)) from exc

    return wrapper
