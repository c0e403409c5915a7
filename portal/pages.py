"""The portal's pages: tenant-scoped (`tenants.pages.tenant_page`), with what the Jira client raises turned
into portal errors before `sso_gateway.pages` renders them: Jira down or rate-limiting after the client's
retries is a 503 page with a reference id (so is a stored secret no encryption key reads), an unknown item a
404; never a 500. An identity refused the
Jira account its email finds is written to the sign-in log, under the reference its page shows.
"""

from functools import wraps

from portal import errors
from portal.jira_portal import jira_portal_redirect
from providers.errors import JiraAccountRefused
from providers.services import login_event_record
from tenants.crypto import SecretUnreadable
from tenants.jira import errors as jira_errors
from tenants.pages import tenant_page
from tenants.services import NoJiraConnection


def portal_page(view=None, *, native_redirect: bool = True):
    """`native_redirect`: a tenant on the Atlassian portal only (native mode) has no hosted pages; its links
    lead to the same place in the Jira portal (portal/jira_portal.py)."""
    if view is None:
        return lambda view: portal_page(view, native_redirect=native_redirect)

    @wraps(view)
    def translated(request, *args, **kwargs):
        if native_redirect and not request.tenant.hosted_portal:
            return jira_portal_redirect(request, view_name=view.__name__, kwargs=kwargs)
        try:
            return view(request, *args, **kwargs)
        except JiraAccountRefused as exc:
            # Found while provisioning, after the sign-in itself succeeded: the sign-in log says why.
            provider = exc.customer.provider if exc.customer else None
            event = login_event_record(
                request=request, tenant=request.tenant, provider=provider, customer=exc.customer,
                reason=exc.reason, detail=exc.detail,
            )  # fmt: skip
            exc.reference = event.reference
            raise
        except NoJiraConnection as exc:
            raise errors.JiraDown(str(exc), reason="no_jira_connection") from exc
        except SecretUnreadable as exc:
            # A stored secret (the Jira token, a provider's) no key of GATEWAY_ENCRYPTION_KEYS reads: an operator's
            # problem (a key removed too early), shown to the customer as a help desk that cannot be reached now.
            raise errors.JiraDown("a stored secret cannot be decrypted.", reason="secret_unreadable") from exc
        except jira_errors.JiraTransientError as exc:
            raise errors.JiraDown(str(exc)) from exc
        except jira_errors.JiraNotFound as exc:
            raise errors.RequestNotFound(str(exc)) from exc
        except jira_errors.JiraError as exc:
            raise errors.JiraRefused(str(exc)) from exc

    return tenant_page(translated)
