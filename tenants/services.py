"""Business logic of tenants: a connection's Jira client, Verify, and the service desk sync.

The sync pages through GET /rest/servicedeskapi/servicedesk and upserts every
desk in one statement, so a tenant with 500 desks costs the same number of queries as one with 5.
Desks that vanished from Jira are marked inactive (their links answer "no longer available"); a
failed sync changes no desk, so the last good list stays. The lock that keeps two syncs of one
tenant apart is the RUNNING SyncRun row itself (a partial unique constraint), which works the same
on SQLite and PostgreSQL, across processes and workers, and shows in the admin who holds it.
"""

import logging
import sqlite3
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db
from django.db.models import Q
from django.utils import timezone

from sso_gateway import localcache, metrics
from tenants.jira import errors
from tenants.jira.client import JiraClient, RetryPolicy, fetch_cloud_id
from tenants.jira.types import ServiceDesk as JiraServiceDesk
from tenants.jira.types import VerifyReport
from tenants.models import JiraConnection, ServiceDesk, SyncRun, Tenant

logger = logging.getLogger(__name__)

UPSERT_FIELDS = ["project_id", "project_key", "project_name", "portal_url", "is_active", "last_synced_at"]


class NoJiraConnection(errors.JiraError):
    """The tenant has no Jira connection yet."""


def jira_client(*, connection: JiraConnection, retry: RetryPolicy | None = None, language: str = "") -> JiraClient:
    """The connection's client; for a scoped token, reads and stores the cloudId first if unknown. `language`:
    sent as Accept-Language (the portal's customer's language: JSM names request types and fields in it)."""
    if connection.auth_mode == JiraConnection.AuthMode.SCOPED and not connection.cloud_id:
        connection.cloud_id = fetch_cloud_id(connection.site_url)
        JiraConnection.objects.filter(pk=connection.pk).update(cloud_id=connection.cloud_id)
    return JiraClient.for_connection(connection, retry=retry, language=language)


def jira_connection_of(*, tenant: Tenant) -> JiraConnection:
    try:
        return JiraConnection.objects.get(tenant=tenant)
    except JiraConnection.DoesNotExist:
        raise NoJiraConnection(f"{tenant.name} has no Jira connection yet; add one in the admin.") from None


def jira_connection_verify(*, connection: JiraConnection) -> VerifyReport:
    """Verify: the token works (/myself), the account has ADMINISTER
    (/mypermissions), and the service desks it sees. The outcome is stored on the connection.
    """
    try:
        if connection.auth_mode == JiraConnection.AuthMode.SCOPED:
            connection.cloud_id = fetch_cloud_id(connection.site_url)
        client = jira_client(connection=connection)
        account = client.myself()
        if not client.has_permission("ADMINISTER"):
            raise errors.JiraNotAdministrator(
                f"The token works, but {account.email or connection.email} is not a Jira administrator. "
                "Add it to the jira-admins group (or grant “Administer Jira”) in admin.atlassian.com and verify again."
            )
        desks = list(client.service_desks())
    except errors.JiraError as exc:
        _connection_mark(connection, error=str(exc))
        raise
    _connection_mark(connection, error="", verified=True)
    return VerifyReport(account=account, cloud_id=connection.cloud_id, service_desks=desks)


def _connection_mark(connection: JiraConnection, *, error: str, verified: bool = False) -> None:
    connection.last_error = error
    values = {"last_error": error, "cloud_id": connection.cloud_id, "updated_at": timezone.now()}
    if verified:
        connection.verified_at = values["verified_at"] = timezone.now()
    JiraConnection.objects.filter(pk=connection.pk).update(**values)


def service_desks_sync(*, tenant: Tenant, trigger: str = SyncRun.Trigger.SCHEDULE) -> SyncRun:
    """Sync one tenant's service desks; returns its SyncRun (SKIPPED if another sync holds the lock)."""
    run = _sync_run_start(tenant=tenant, trigger=trigger)
    if run.outcome == SyncRun.Outcome.SKIPPED:
        return run
    try:
        jira = _jira_connection_loaded(tenant) or jira_connection_of(tenant=tenant)
        desks = list(jira_client(connection=jira).service_desks())
        counts = service_desks_upsert(tenant=tenant, desks=desks, site_url=jira.site_url.rstrip("/"))
    except errors.JiraError as exc:
        return _sync_run_finish(run, outcome=SyncRun.Outcome.FAILED, error=str(exc))
    except Exception as exc:
        if isinstance(exc, DatabaseError):
            # The connection may be dead (PostgreSQL restarted, connection terminated): drop it so the
            # failure below is recorded on a fresh one, and the run does not keep its lock.
            db.close()
        logger.exception("Sync of tenant %s failed unexpectedly", tenant.slug)
        return _sync_run_finish(run, outcome=SyncRun.Outcome.FAILED, error=f"Unexpected error ({type(exc).__name__}).")
    return _sync_run_finish(run, outcome=SyncRun.Outcome.SUCCESS, **counts)


def _jira_connection_loaded(tenant: Tenant) -> JiraConnection | None:
    """The connection read with the tenant (the sync task's `select_related("jira")`), if it was. Only the
    sync uses it: its callers (task, admin, command) have just read the tenant, so it is no stale copy;
    `jira_connection_of`, which the portal uses, always reads."""
    return getattr(tenant, "jira", None) if Tenant.jira.is_cached(tenant) else None


def _sync_run_start(*, tenant: Tenant, trigger: str) -> SyncRun:
    """Take the lock (a RUNNING row); only when it is held, expire a holder older than the lock timeout
    (its worker stopped) and try once more. The usual sync thus costs one INSERT here."""
    run = _sync_run_lock(tenant=tenant, trigger=trigger)
    if run is None and _sync_runs_abandoned_expire(tenant=tenant):
        run = _sync_run_lock(tenant=tenant, trigger=trigger)
    if run is not None:
        return run
    return SyncRun.objects.create(
        tenant=tenant,
        trigger=trigger,
        outcome=SyncRun.Outcome.SKIPPED,
        finished_at=timezone.now(),
        error="Another sync of this tenant was running.",
    )


def _sync_run_lock(*, tenant: Tenant, trigger: str) -> SyncRun | None:
    try:
        with transaction.atomic():
            return SyncRun.objects.create(tenant=tenant, trigger=trigger, outcome=SyncRun.Outcome.RUNNING)
    except IntegrityError:
        return None


def _sync_runs_abandoned_expire(*, tenant: Tenant) -> int:
    timeout = timedelta(minutes=settings.GATEWAY_SYNC_LOCK_MINUTES)
    return SyncRun.objects.filter(
        tenant=tenant, outcome=SyncRun.Outcome.RUNNING, started_at__lt=timezone.now() - timeout
    ).update(outcome=SyncRun.Outcome.FAILED, finished_at=timezone.now(), error="Abandoned: the worker stopped.")


def _sync_run_finish(run: SyncRun, *, outcome: str, error: str = "", **counts) -> SyncRun:
    run.outcome, run.error, run.finished_at = outcome, error, timezone.now()
    for name, value in counts.items():
        setattr(run, name, value)
    run.save(update_fields=["outcome", "error", "finished_at", *counts])
    metrics.SYNC_RUNS.labels(outcome).observe((run.finished_at - run.started_at).total_seconds())
    return run


class _DeskState(NamedTuple):
    """What the sync writes of a desk, in the order `before` is read; equal to the stored row when unchanged."""

    project_id: str
    project_key: str
    project_name: str
    portal_url: str
    is_active: bool


def _desk_state(desk: JiraServiceDesk, site_url: str) -> _DeskState:
    portal_url = f"{site_url}/servicedesk/customer/portal/{desk.id}"
    return _DeskState(desk.project_id, desk.project_key, desk.project_name, portal_url, True)


def service_desks_upsert(*, tenant: Tenant, desks: list[JiraServiceDesk], site_url: str) -> dict[str, int]:
    """One SELECT, then at most one INSERT … ON CONFLICT DO UPDATE and two UPDATEs, whatever the number of desks.

    Only new or changed desks (another name, key or portal URL, or inactive and back in Jira) are
    written in full; the unchanged ones, all of them in most scheduled syncs, only get `last_synced_at`.
    A write with no row to touch is not sent: the queries depend on what changed, never on how many.
    """
    now = timezone.now()
    seen = {desk.id: _desk_state(desk, site_url) for desk in desks}
    before = {
        row[0]: row[1:] for row in ServiceDesk.objects.filter(tenant=tenant).values_list("jira_id", *_DeskState._fields)
    }
    changed = {key: state for key, state in seen.items() if before.get(key) != state}
    _desks_write(tenant=tenant, states=changed, now=now)
    unchanged = [key for key in seen if key not in changed]
    if unchanged:
        ServiceDesk.objects.filter(tenant=tenant, jira_id__in=unchanged).update(last_synced_at=now)
    # Always sent (whether or not `before` shows a vanished desk), so it also catches a desk added
    # meanwhile by another path, and a sync with fewer desks costs the same queries as one with more.
    vanished = ServiceDesk.objects.filter(tenant=tenant, is_active=True).filter(
        Q(last_synced_at__lt=now) | Q(last_synced_at__isnull=True)
    )
    deactivated = vanished.update(is_active=False)
    if changed or deactivated:
        localcache.changed()  # bulk writes send no signals; portal pages cache desks per process
    return {
        "desks_seen": len(seen),
        "desks_created": sum(1 for key in changed if key not in before),
        "desks_updated": sum(1 for key in changed if key in before),
        "desks_deactivated": deactivated,
    }


def _desks_write(*, tenant: Tenant, states: dict[str, _DeskState], now) -> None:
    """Insert or update these desks in one statement (none sent for no desk)."""
    if not states:
        return
    _lift_sqlite_variable_limit()
    rows = [
        ServiceDesk(tenant=tenant, jira_id=key, last_synced_at=now, **state._asdict()) for key, state in states.items()
    ]
    ServiceDesk.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["tenant", "jira_id"], update_fields=UPSERT_FIELDS
    )


def _lift_sqlite_variable_limit() -> None:
    """Django 5.2 assumes SQLite's historic 999-variable limit and would split the upsert into
    batches; SQLite ≥ 3.32 allows 32766, and Django 6.0 reads the real limit the same way.
    """
    if db.vendor != "sqlite":
        return
    db.ensure_connection()
    limit = db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    db.features.max_query_params = max(limit, 999)
