"""The worker side of provisioning: retry a customer's provisioning with backoff until Jira answers,
or give up visibly (Customer.provisioning = FAILED, the reason in provisioning_error, both shown in
the customer admin). Takes ids; queued with transaction.on_commit by `provisioning_retry_queue`.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from portal.provisioning import customer_provision_now, provisioning_mark
from providers.errors import JiraAccountRefused
from providers.models import Customer
from sso_gateway.queueing import publish_on_commit
from tenants.jira import errors
from tenants.jira.client import RetryPolicy
from tenants.models import ServiceDesk


def retry_countdown(attempt: int, exc: Exception) -> float:
    """Seconds to wait after the worker's attempt number `attempt` (1 for the first) failed with `exc`.

    The gateway's one backoff (sso_gateway.outgoing_http.RetryPolicy, whose attempts count from 0):
    GATEWAY_PROVISION_RETRY_START seconds after the first failure, doubling, capped at
    GATEWAY_PROVISION_RETRY_CAP, jittered; never sooner than the Retry-After Jira sent with its last
    refusal (`exc.retry_after`, RFC 9110 10.2.3)."""
    policy = RetryPolicy(start=settings.GATEWAY_PROVISION_RETRY_START, cap=settings.GATEWAY_PROVISION_RETRY_CAP)
    return max(policy.delay(max(attempt - 1, 0), None), getattr(exc, "retry_after", None) or 0)


@shared_task(bind=True, name="portal.tasks.customer_provision_retry", max_retries=None, ignore_result=True)
def customer_provision_retry(self, customer_id: int, service_desk_id: int | None = None) -> str:
    """`service_desk_id` None: the account and organizations only (native mode's provisioning at an assertion)."""
    customer = Customer.objects.select_related("tenant").filter(pk=customer_id).first()
    service_desk = None
    if service_desk_id is not None:
        service_desk = ServiceDesk.objects.select_related("tenant").filter(pk=service_desk_id).first()
    if customer is None or (service_desk_id is not None and service_desk is None):
        return "customer or service desk gone"
    attempt = self.request.retries + 1
    try:
        customer_provision_now(customer=customer, service_desk=service_desk, retry=RetryPolicy(max_retries=2))
    except errors.JiraTransientError as exc:
        limit = settings.GATEWAY_PROVISION_MAX_ATTEMPTS
        if attempt >= limit:
            provisioning_mark(customer, Customer.Provisioning.FAILED, f"Gave up after {attempt} attempts: {exc}")
            return "gave up"
        provisioning_mark(customer, Customer.Provisioning.RETRYING, f"Attempt {attempt} of {limit} failed: {exc}")
        raise self.retry(countdown=retry_countdown(attempt, exc), exc=exc) from None
    except errors.JiraError as exc:
        provisioning_mark(customer, Customer.Provisioning.FAILED, str(exc))
        return "failed"
    except JiraAccountRefused as exc:  # the customer sees why at their next visit, and so does the sign-in log
        provisioning_mark(customer, Customer.Provisioning.FAILED, f"Refused ({exc.reason}): {exc.detail}")
        return "refused"
    return "done"


@shared_task(name="portal.tasks.customer_provision_resume", ignore_result=True)
def customer_provision_resume() -> int:
    """Every few minutes (beat): queue again the provisioning retries the broker never took
    (it was down when the customer came), and those lost since (older than twice the backoff cap)."""
    stale = timezone.now() - timedelta(seconds=2 * settings.GATEWAY_PROVISION_RETRY_CAP)
    # No desk: native mode's organizations-only provisioning (portal.services.customer_organizations_apply).
    waiting = Customer.objects.filter(provisioning=Customer.Provisioning.RETRYING).filter(
        Q(provisioning_queued_at__isnull=True) | Q(provisioning_queued_at__lt=stale)
    )
    pairs = list(waiting.values_list("pk", "provisioning_desk_id"))
    for customer_id, service_desk_id in pairs:
        provisioning_retry_queue(customer_id=customer_id, service_desk_id=service_desk_id)
    return len(pairs)


def provisioning_retry_queue(*, customer_id: int, service_desk_id: int | None) -> None:
    """Queue the worker's retry once the transaction commits (GATEWAY_PROVISION_QUEUE picks a queue).

    `provisioning_desk` and `provisioning_queued_at` say what is queued and since when; if the broker
    cannot be reached, `provisioning_queued_at` goes back to empty and `customer_provision_resume`
    (every few minutes) or the customer's next visit queues it again: nothing the customer did is lost.
    """
    customers = Customer.objects.filter(pk=customer_id)
    customers.update(provisioning_desk_id=service_desk_id, provisioning_queued_at=timezone.now())
    queue = settings.GATEWAY_PROVISION_QUEUE
    publish_on_commit(
        customer_provision_retry,
        args=(customer_id, service_desk_id),
        on_failure=lambda exc: customers.update(provisioning_queued_at=None),
        **({"queue": queue} if queue else {}),
    )
