"""`manage.py sync_service_desks [SLUG ...]`: the scheduled sync, run in the foreground.

Prints one line per tenant (what changed, or the reason it failed: no traceback) and exits
non-zero if any tenant failed. A failed tenant keeps its last good list; the others still sync.
"""

from django.core.management.base import BaseCommand, CommandError

from tenants import selectors, services
from tenants.models import SyncRun, Tenant


class Command(BaseCommand):
    help = "Sync the service desks of the given tenants (all active tenants with a Jira connection by default)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Tenant slugs (default: every active tenant).")

    def handle(self, *args, slugs, **options):
        tenants = self._tenants(slugs)
        failed = 0
        for tenant in tenants:
            run = services.service_desks_sync(tenant=tenant, trigger=SyncRun.Trigger.COMMAND)
            if run.outcome == SyncRun.Outcome.FAILED:
                failed += 1
                self.stderr.write(f"{tenant.slug}: FAILED — {run.error}")
            elif run.outcome == SyncRun.Outcome.SKIPPED:
                self.stdout.write(f"{tenant.slug}: skipped — another sync of this tenant is running")
            else:
                self.stdout.write(self.style.SUCCESS(f"{tenant.slug}: ") + _summary(run))
        if failed:
            raise CommandError(f"{failed} of {len(tenants)} tenant(s) failed to sync.")

    def _tenants(self, slugs):
        if not slugs:
            return list(Tenant.objects.filter(pk__in=selectors.tenant_ids_to_sync()).order_by("slug"))
        found = {t.slug: t for t in Tenant.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(f"No tenant with slug {', '.join(missing)}.")
        return [found[slug] for slug in slugs]


def _summary(run: SyncRun) -> str:
    return (
        f"{run.desks_seen} service desk(s): {run.desks_created} new, {run.desks_updated} changed, "
        f"{run.desks_deactivated} no longer in Jira"
    )
