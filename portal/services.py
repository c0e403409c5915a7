"""What a portal page asks of the rest: provisioning the signed-in customer in Jira before they use a desk.

Access rules come first (`portal.access`), so a refused customer is never added to a desk in Jira.
If Jira is down or rate-limited the customer is told their access is being set up, and a worker
retries (`portal.tasks`); nothing they did is lost. An identity that may not use the Jira account its
email finds (`providers.errors.JiraAccountRefused`) gets that error's page, and the sign-in log says why.
"""

import logging
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from portal.provisioning import customer_provision_now, provisioning_mark, provisioning_up_to_date
from portal.tasks import provisioning_retry_queue
from providers.errors import JiraAccountRefused
from providers.models import Customer
from tenants import selectors
from tenants.jira import errors
from tenants.jira.client import INTERACTIVE
from tenants.models import JiraConnection, ServiceDesk

logger = logging.getLogger(__name__)

SETTING_UP = gettext_lazy(
    "We're setting up your access to %(desk)s. Jira is busy right now; we keep trying in the background. "
    "Please come back in a few minutes: nothing you did is lost."
)
NOT_POSSIBLE = gettext_lazy(
    "We could not set up your access to %(desk)s. The help desk team can see why in their admin; "
    "please contact them or try again later."
)


@dataclass(frozen=True)
class ProvisionResult:
    ready: bool
    message: str = ""


def customer_provision(*, customer: Customer, service_desk: ServiceDesk) -> ProvisionResult:
    """Make sure `customer` can use `service_desk` in Jira; ready=False comes with a message for them."""
    if customer.tenant_id != service_desk.tenant_id:
        raise ValueError("The customer and the service desk belong to different tenants.")
    desk = {"desk": service_desk.project_name}
    return _provision(
        customer, service_desk, waiting=SETTING_UP % desk, failed=NOT_POSSIBLE % desk, tenant=service_desk.tenant
    )


def customer_organizations_apply(*, customer: Customer) -> ProvisionResult:
    """Native mode, at each assertion: the customer's Jira account and JSM organizations follow the tenant's
    organization rules (no service desk: JSM's own portal and its customer permissions decide those).

    Jira down: a worker retries (`portal.tasks`), and the customer is not held up. An identity refused the
    account of its email raises `JiraAccountRefused`, as at a portal page. No Jira connection: nothing to do.
    """
    if not JiraConnection.objects.filter(tenant_id=customer.tenant_id).exists():
        return ProvisionResult(ready=False, message="no Jira connection")
    return _provision(customer, None, waiting="retrying", failed="failed", tenant=customer.tenant)


def _provision(customer: Customer, service_desk: ServiceDesk | None, *, waiting: str, failed: str, tenant):
    """Provision now, or, with Jira down, mark the customer and queue one retry (`waiting`); Jira's refusal
    marks them failed (`failed`); an identity refused the account of its email raises JiraAccountRefused."""
    rules = selectors.organization_rules_active(tenant=tenant)
    if provisioning_up_to_date(customer=customer, service_desk=service_desk, rules=rules):
        return ProvisionResult(ready=True)
    already_queued = customer.provisioning == Customer.Provisioning.RETRYING and customer.provisioning_queued_at
    try:
        customer_provision_now(customer=customer, service_desk=service_desk, retry=INTERACTIVE, rules=rules)
    except errors.JiraTransientError as exc:
        provisioning_mark(customer, Customer.Provisioning.RETRYING, f"Waiting for Jira: {exc}")
        if not already_queued:
            provisioning_retry_queue(
                customer_id=customer.pk, service_desk_id=service_desk.pk if service_desk is not None else None
            )
        return ProvisionResult(ready=False, message=waiting)
    except JiraAccountRefused as exc:
        provisioning_mark(customer, Customer.Provisioning.FAILED, f"Refused ({exc.reason}): {exc.detail}")
        raise
    except errors.JiraError as exc:
        logger.warning("Provisioning of customer %s in tenant %s failed: %s", customer.pk, customer.tenant_id, exc)
        provisioning_mark(customer, Customer.Provisioning.FAILED, str(exc))
        return ProvisionResult(ready=False, message=failed)
    return ProvisionResult(ready=True)
    already_queued = customer.provisioning == Customer.Provisioning.RETRYING and customer.provisioning_queued_at
    try:
        customer_provision_now(customer=customer, service_desk=None, retry=INTERACTIVE, rules=rules)
    except errors.JiraTransientError as exc:
        provisioning_mark(customer, Customer.Provisioning.RETRYING, f"Waiting for Jira: {exc}")
        if not already_queued:
            provisioning_retry_queue(customer_id=customer.pk, service_desk_id=None)
        return ProvisionResult(ready=False, message="retrying")
    except JiraAccountRefused as exc:
        provisioning_mark(customer, Customer.Provisioning.FAILED, f"Refused ({exc.reason}): {exc.detail}")
        raise
    except errors.JiraError as exc:
        logger.warning("Provisioning of customer %s in tenant %s failed: %s", customer.pk, customer.tenant_id, exc)
        provisioning_mark(customer, Customer.Provisioning.FAILED, str(exc))
        return ProvisionResult(ready=False, message="failed")
    return ProvisionResult(ready=True)
