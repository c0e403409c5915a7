"""Celery tasks of the service desk sync. Thin: they take ids and call tenants.services.

`service_desks_sync_all` is what Celery beat runs (the schedule is created by migration 0003 and
edited in the admin under Periodic tasks); it fans out one task per active tenant.
"""

from celery import shared_task

from sso_gateway.queueing import publish_on_commit
from tenants import crypto, selectors, services
from tenants.models import SyncRun, Tenant


@shared_task(name="tenants.tasks.service_desks_sync_tenant", ignore_result=True)
def service_desks_sync_tenant(tenant_id: int, trigger: str = SyncRun.Trigger.SCHEDULE) -> str:
    tenants = Tenant.objects.filter(pk=tenant_id, is_active=True)
    try:
        # With its Jira connection in the same query (service_desks_sync uses it).
        tenant = tenants.select_related("jira").first()
    except crypto.SecretUnreadable:
        tenant = tenants.first()  # the sync reads the connection again and records the failure
    if tenant is None:
        return "tenant gone or inactive"
    return services.service_desks_sync(tenant=tenant, trigger=trigger).outcome


@shared_task(name="tenants.tasks.service_desks_sync_all", ignore_result=True)
def service_desks_sync_all(trigger: str = SyncRun.Trigger.SCHEDULE) -> int:
    tenant_ids = selectors.tenant_ids_to_sync()
    for tenant_id in tenant_ids:
        service_desks_sync_tenant.delay(tenant_id, trigger)
    return len(tenant_ids)


def service_desks_sync_queue(*, tenant_ids, trigger: str, **options) -> list[Exception]:
    """Queue one sync per tenant once the current transaction commits (options go to apply_async).

    Returns the list the broker failures are appended to (filled at once outside a transaction): a
    sync that could not be queued is not lost, the next scheduled sync covers it.
    """
    failures: list[Exception] = []
    for tenant_id in tenant_ids:
        publish_on_commit(service_desks_sync_tenant, args=(tenant_id, trigger), on_failure=failures.append, **options)
    return failures
