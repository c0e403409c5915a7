"""Reads about tenants, their service desks, sync runs and what the gateway granted in Jira.

Every anonymous visit reads its tenant, so each process keeps the active tenants it read for a few
seconds (`sso_gateway.localcache`, `GATEWAY_CONFIG_CACHE_SECONDS`). The instances are shared between
requests: read them, never change them.
"""

from django.db.models import QuerySet

from sso_gateway.localcache import LocalCache
from tenants.errors import TenantUnavailable
from tenants.models import JiraAccountGrant, OrganizationRule, ServiceDesk, SyncRun, Tenant

_active_tenants = LocalCache("active tenants by slug")


def tenant_get_active(*, slug: str) -> Tenant:
    tenant = _active_tenants.get_or_load(slug, lambda: Tenant.objects.filter(slug=slug, is_active=True).first())
    if tenant is None:
        raise TenantUnavailable(f"no active tenant {slug[:50]!r}.")
    return tenant


def tenant_get(*, slug: str) -> Tenant:
    """Active or not (signing out still works at a tenant that was switched off)."""
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise TenantUnavailable(f"no tenant {slug[:50]!r}.")
    return tenant


def tenant_ids_to_sync() -> list[int]:
    """Active tenants with a Jira connection: what the scheduled fan-out syncs."""
    return list(Tenant.objects.filter(is_active=True, jira__isnull=False).order_by("pk").values_list("pk", flat=True))


def service_desks_active(*, tenant: Tenant) -> QuerySet[ServiceDesk]:
    # select_related: each desk's link is built from its tenant's slug (no query per row).
    return (
        ServiceDesk.objects.filter(tenant=tenant, is_active=True)
        .select_related("tenant")
        .order_by("project_name", "jira_id")
    )


def sync_run_last(*, tenant: Tenant) -> SyncRun | None:
    """The latest sync that ran (a SKIPPED one says nothing about the list), for the tenant's admin page."""
    return SyncRun.objects.filter(tenant=tenant).exclude(outcome=SyncRun.Outcome.SKIPPED).first()


def organization_rules_active(*, tenant: Tenant) -> list[OrganizationRule]:
    return list(OrganizationRule.objects.filter(tenant=tenant, is_active=True).order_by("pk"))


def jira_grants(*, tenant: Tenant, account_id: str) -> set[tuple[str, str]]:
    """{(kind, target)} already done in Jira for this account of this tenant."""
    rows = JiraAccountGrant.objects.filter(tenant=tenant, account_id=account_id).values_list("kind", "target")
    return set(rows)


def jira_account_email(*, tenant_id: int, account_id: str) -> str:
    """The email an account was found by at this tenant ("" if it was never looked up by email here)."""
    grant = JiraAccountGrant.objects.filter(
        tenant_id=tenant_id, account_id=account_id, kind=JiraAccountGrant.Kind.EMAIL
    ).first()
    return grant.target if grant else ""


def jira_grant_target_name(*, grant: JiraAccountGrant) -> str:
    """What a grant's target is, by name: the service desk's or the organization's (its id when unknown)."""
    if grant.kind == JiraAccountGrant.Kind.SERVICE_DESK:
        desk = ServiceDesk.objects.filter(tenant_id=grant.tenant_id, jira_id=grant.target).first()
        return f"{desk} (service desk {grant.target})" if desk else f"service desk {grant.target}"
    if grant.kind == JiraAccountGrant.Kind.ORGANIZATION:
        rule = OrganizationRule.objects.filter(tenant_id=grant.tenant_id, organization_id=grant.target).first()
        name = rule.organization_name if rule else ""
        return f"{name} (organization {grant.target})" if name else f"organization {grant.target}"
    return grant.target
