"""The benchmark's own database (PostgreSQL `sso_gateway_bench`, recreated each run) and what it holds.

One tenant `bench` with one identity provider (the fake) and its service desks, for the link and
sign-in measurements; N tenants `sync-NNNNN`, each with a Jira connection to the fake JSM, for the sync.
Rows are inserted in bulk: seeding is not what is measured.
"""

import psycopg
from django.core.management import call_command
from django.db import connection

LINK_TENANT = "bench"
PROVIDER_SLUG = "fake"


def database_recreate(*, name: str, admin_dsn: str) -> None:
    """Drop and create the bench database (only names starting with sso_gateway_bench, never another)."""
    if not name.startswith("sso_gateway_bench"):
        raise ValueError(f"refusing to recreate database {name!r}")
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    call_command("migrate", verbosity=0, interactive=False)


def link_tenant_seed(*, idp: dict, client_secret: str, desks: int):
    """The tenant customers sign in to: one enabled provider (so its link goes straight to it)."""
    from providers.models import IdentityProvider
    from providers.services import attribute_mapping_ensure
    from tenants.models import ServiceDesk, Tenant

    tenant = Tenant.objects.create(slug=LINK_TENANT, name="Bench Support")
    provider = IdentityProvider.objects.create(
        tenant=tenant,
        slug=PROVIDER_SLUG,
        name="Bench IdP",
        preset="oidc",
        discovery_url=f"{idp['base_url']}/.well-known/openid-configuration",
        client_id=idp["client_id"],
        client_secret=client_secret,
    )
    attribute_mapping_ensure(provider=provider)
    ServiceDesk.objects.bulk_create(
        ServiceDesk(tenant=tenant, jira_id=str(n), project_key=f"D{n}", project_name=f"Desk {n}")
        for n in range(1, desks + 1)
    )
    return provider


def sync_tenants_seed(*, count: int, site_url: str, email: str, token: str) -> list[int]:
    """`count` tenants, each with a classic-token Jira connection to the fake site."""
    from tenants.models import JiraConnection, Tenant

    tenants = Tenant.objects.bulk_create(
        Tenant(slug=f"sync-{n:05d}", name=f"Sync tenant {n}") for n in range(1, count + 1)
    )
    JiraConnection.objects.bulk_create(
        JiraConnection(tenant=tenant, site_url=site_url, email=email, api_token=token) for tenant in tenants
    )
    return [tenant.pk for tenant in tenants]


def jira_connect(*, slug: str, site_url: str, email: str, token: str) -> None:
    """The link tenant's Jira connection, for the portal pages (its desks stay those seeded above)."""
    from tenants.models import JiraConnection, Tenant

    JiraConnection.objects.create(tenant=Tenant.objects.get(slug=slug), site_url=site_url, email=email, api_token=token)


def rows_total() -> int:
    """Rows in every table of the database: what an anonymous visit must not change."""
    total = 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from introspection
            total += cursor.fetchone()[0]
    return total
