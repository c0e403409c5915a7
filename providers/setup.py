"""The admin home's setup checklist: per tenant, the seed guide's steps in order, each with its state and a link.

Identity provider → test connection → attribute mapping → Jira connection → first sync → links handed out
(README, "What to click"; docs/configuring-a-tenant.md). Each step is read from what the gateway already
records (providers, the sign-in log's test rows, the Jira connection's verification, sync runs, sign-ins),
so the checklist cannot drift from the configuration. Here in `providers` because it reads both apps.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from providers.models import AttributeMapping, IdentityProvider, LoginEvent
from tenants.models import JiraConnection, ServiceDesk, SyncRun, Tenant
from tenants.scoping import visible_tenant_ids

#: The most tenants whose checklist the home page shows (an operator of many: the rest are on Tenants).
HOME_TENANTS = 20


@dataclass(frozen=True)
class Step:
    title: str
    done: bool
    state: str
    url: str
    action: str


@dataclass(frozen=True)
class TenantSetup:
    tenant: Tenant
    steps: list[Step]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)


def tenants_setup(*, request) -> tuple[list[TenantSetup], int]:
    """The checklists of the tenants the user sees (at most HOME_TENANTS, unfinished first), and how many exist."""
    tenants = Tenant.objects.order_by("name")
    if not request.user.is_superuser:
        tenants = tenants.filter(pk__in=visible_tenant_ids(request))
    total = tenants.count()
    setups = [tenant_setup(tenant=tenant) for tenant in tenants[:HOME_TENANTS]]
    return sorted(setups, key=lambda setup: setup.done), total


def tenant_setup(*, tenant: Tenant) -> TenantSetup:
    providers = list(IdentityProvider.objects.filter(tenant=tenant).order_by("-is_enabled", "order", "name"))
    provider = providers[0] if providers else None
    return TenantSetup(
        tenant=tenant,
        steps=[
            _provider_step(tenant, providers),
            _test_step(tenant, provider),
            _mapping_step(provider),
            _jira_step(tenant),
            _sync_step(tenant),
            _links_step(tenant),
        ],
    )


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _provider_step(tenant, providers) -> Step:
    add = reverse("admin:providers_identityprovider_add") + f"?tenant={tenant.pk}"
    if not providers:
        return Step("Identity provider", False, "None yet.", add, "Add an identity provider")
    provider = providers[0]
    url = reverse("admin:providers_identityprovider_change", args=[provider.pk])
    if not provider.is_enabled:
        return Step("Identity provider", False, f"{provider.name} is switched off.", url, "Open it")
    more = f" (and {len(providers) - 1} more)" if len(providers) > 1 else ""
    state = f"{provider.name}, {provider.preset_config.label}{more}."
    return Step("Identity provider", True, state, url, "Open it")


def _test_step(tenant, provider) -> Step:
    if provider is None:
        return Step("Test connection", False, "Add an identity provider first.", "", "")
    url = reverse("admin:providers_identityprovider_change", args=[provider.pk])
    test = LoginEvent.objects.filter(tenant=tenant, is_test=True).first()
    if test is None:
        return Step("Test connection", False, "Not run yet.", url, "Test connection")
    if test.outcome == LoginEvent.Outcome.SUCCESS:
        return Step("Test connection", True, f"Succeeded on {_when(test.created_at)}.", url, "Test again")
    state = f"Failed on {_when(test.created_at)} ({test.reason}, reference {test.reference})."
    return Step("Test connection", False, state, url, "Test connection")


def _mapping_step(provider) -> Step:
    if provider is None:
        return Step("Attribute mapping", False, "Add an identity provider first.", "", "")
    url = reverse("admin:providers_identityprovider_change", args=[provider.pk]) + "#mapping-group"
    mapping = AttributeMapping.objects.filter(provider=provider).first()
    if mapping is None or not mapping.email:
        return Step("Attribute mapping", False, "No claim gives the email yet.", url, "Map the claims")
    mapped = [f"{name} ← {getattr(mapping, attr)}" for name, attr in _MAPPED if getattr(mapping, attr)]
    return Step("Attribute mapping", True, ", ".join(mapped) + ".", url, "Review the mapping")


_MAPPED = [("email", "email"), ("name", "display_name"), ("groups", "groups")]


def _jira_step(tenant) -> Step:
    connection = JiraConnection.objects.filter(tenant=tenant).first()
    if connection is None:
        add = reverse("admin:tenants_jiraconnection_add") + f"?tenant={tenant.pk}"
        return Step("Jira connection", False, "None yet.", add, "Add the Jira connection")
    url = reverse("admin:tenants_jiraconnection_change", args=[connection.pk])
    if connection.last_error:
        error = connection.last_error if len(connection.last_error) < 120 else connection.last_error[:119] + "…"
        return Step("Jira connection", False, f"Verify failed: {error}", url, "Save and verify")
    if connection.verified_at is None:
        return Step("Jira connection", False, f"{connection.site_url}, not verified yet.", url, "Save and verify")
    state = f"{connection.site_url}, verified on {_when(connection.verified_at)}."
    return Step("Jira connection", True, state, url, "Open it")


def _sync_step(tenant) -> Step:
    url = reverse("admin:tenants_syncrun_changelist") + f"?tenant__id__exact={tenant.pk}"
    run = SyncRun.objects.filter(tenant=tenant, outcome=SyncRun.Outcome.SUCCESS).first()
    if run is None:
        failed = SyncRun.objects.filter(tenant=tenant, outcome=SyncRun.Outcome.FAILED).first()
        state = f"Last attempt failed on {_when(failed.started_at)}." if failed else "No sync yet."
        return Step("First sync", False, state, url, "See the sync runs")
    state = f"{run.desks_seen} service desk(s), synced on {_when(run.started_at)}."
    return Step("First sync", True, state, url, "See the sync runs")


def _links_step(tenant) -> Step:
    url = reverse("admin:tenants_servicedesk_changelist") + f"?tenant__id__exact={tenant.pk}"
    desks = ServiceDesk.objects.filter(tenant=tenant, is_active=True).count()
    if not desks:
        return Step("Links handed out", False, "No substitute link yet (they come with the sync).", url, "")
    signed_in = LoginEvent.objects.filter(tenant=tenant, is_test=False, outcome=LoginEvent.Outcome.SUCCESS)
    customers = signed_in.exclude(customer=None).values("customer").distinct().count()
    if not customers:
        state = f"{desks} substitute link(s); no customer has signed in through one yet."
        return Step("Links handed out", False, state, url, "Copy the substitute links")
    state = f"{desks} substitute link(s); {customers} customer(s) signed in."
    return Step("Links handed out", True, state, url, "Copy the substitute links")
