"""Tenants (one Jira site each), who administers them, their Jira connection, service desks and sync runs.

Every tenant-owned model reaches `Tenant` through a chain of foreign keys; the admin's
`TenantScopedAdmin` and the isolation test find that chain by introspection, so a model
added later is scoped (and tested) without naming it anywhere.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from tenants.fields import EncryptedTextField
from tenants.validators import validate_acs_url, validate_outbound_url, validate_sp_entity_id, validate_tenant_slug


class Tenant(models.Model):
    class PortalMode(models.TextChoices):
        HOSTED = "hosted", "Hosted portal (the gateway serves the portal through the service account)"
        ATLASSIAN = "atlassian", "Atlassian portal (native mode: the gateway is Atlassian's SAML identity provider)"
        BOTH = "both", "Both (the hosted portal, and the gateway as Atlassian's SAML identity provider)"

    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[validate_tenant_slug],
        help_text="Appears in every customer link, e.g. /acme/portal/1/. Changing it breaks links already shared.",
    )
    name = models.CharField(max_length=200, help_text="Shown to customers on the sign-in and portal pages.")
    is_active = models.BooleanField(
        "active", default=True, help_text="An inactive tenant's links answer “not available”; nothing syncs."
    )
    logo_url = models.URLField(blank=True, help_text="Optional logo shown in the portal header (https).")
    brand_color = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour like #0052cc.")],
        help_text="Optional accent colour for the portal, e.g. #0052cc.",
    )
    portal_mode = models.CharField(
        max_length=16,
        choices=PortalMode.choices,
        default=PortalMode.HOSTED,
        help_text="Atlassian portal: customers use JSM's own portal, signed in through the gateway (Atlassian Guard's "
        "SSO for portal-only customers, see docs/native-mode.md); substitute links and the help center then lead "
        "to the Jira portal.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:home", kwargs={"tenant_slug": self.slug})

    @property
    def native_mode(self) -> bool:
        """The gateway answers Atlassian's AuthnRequests for this tenant (Atlassian portal, or both)."""
        return self.portal_mode in (self.PortalMode.ATLASSIAN, self.PortalMode.BOTH)

    @property
    def hosted_portal(self) -> bool:
        return self.portal_mode in (self.PortalMode.HOSTED, self.PortalMode.BOTH)

    def clean(self) -> None:
        """A new or changed slug must not be one another tenant gave up (see RetiredSlug)."""
        super().clean()
        unchanged = self.pk is not None and Tenant.objects.filter(pk=self.pk, slug=self.slug).exists()
        if self.slug and not unchanged:
            RetiredSlug.check_available(slug=self.slug, tenant=self)


class TenantMembership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator (full control of this tenant)"
        VIEWER = "viewer", "Viewer (read-only)"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tenant_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ADMIN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.tenant} ({self.get_role_display()})"


class JiraConnection(models.Model):
    class AuthMode(models.TextChoices):
        CLASSIC = "classic", "Classic API token of a user account (Basic auth on the site URL)"
        SCOPED = "scoped", "Scoped API token of an Atlassian service account (via api.atlassian.com)"

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="jira")
    site_url = models.URLField(
        "site URL",
        validators=[validate_outbound_url],
        help_text="Your Jira site, e.g. https://acme.atlassian.net (the address bar when you open Jira).",
    )
    auth_mode = models.CharField(max_length=16, choices=AuthMode.choices, default=AuthMode.CLASSIC)
    email = models.EmailField(
        "service-account email",
        help_text="The account the gateway acts as. It must be a Jira administrator.",
    )
    api_token = EncryptedTextField(
        "API token",
        help_text="Create it at id.atlassian.com → Security → API tokens (a service account's token: "
        "admin.atlassian.com → Directory → Service accounts). Stored encrypted; never shown again.",
    )
    cloud_id = models.CharField(
        "cloud id",
        max_length=64,
        blank=True,
        help_text="Filled in by Verify for scoped tokens (from /_edge/tenant_info).",
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Jira connection"

    def __str__(self) -> str:
        return f"Jira {self.site_url}"


class ServiceDesk(models.Model):
    class Access(models.TextChoices):
        ANY_CUSTOMER = "any", "Any signed-in customer of the tenant"
        RESTRICTED = "restricted", "Only customers in the groups or organizations below"

    class Sharing(models.TextChoices):
        """JSM's customer sharing setting, which its API does not expose: set it here as it is set in Jira."""

        DESK = "desk", "With other customers of this service desk (and of its organizations)"
        ORGANIZATION = "organization", "Only with members of the customer's own organizations on this desk"
        OFF = "off", "Customers cannot share requests"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="service_desks")
    jira_id = models.CharField("Jira service desk id", max_length=32)
    project_id = models.CharField(max_length=32, blank=True)
    project_key = models.CharField(max_length=32, blank=True)
    project_name = models.CharField(max_length=255, blank=True)
    portal_url = models.URLField("Jira portal URL", max_length=500, blank=True)
    is_active = models.BooleanField("active", default=True)
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.ANY_CUSTOMER)
    allowed_groups = models.JSONField(default=list, blank=True, help_text="IdP group names (restricted access).")
    allowed_organizations = models.JSONField(default=list, blank=True, help_text="JSM organization names.")
    sharing = models.CharField("customers share requests", max_length=16, choices=Sharing.choices, default=Sharing.DESK)
    request_type_access = models.JSONField(
        default=dict,
        blank=True,
        help_text='Request type id -> {"groups": [...], "organizations": [...]}: who sees that type in the portal.',
    )
    last_synced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["project_name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "jira_id"], name="uniq_desk_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"{self.project_name or self.project_key} ({self.project_key})"

    def get_absolute_url(self) -> str:
        """The substitute link customers follow: keyed by Jira's desk id, so renames never change it."""
        return reverse("portal:desk", kwargs={"tenant_slug": self.tenant.slug, "desk_id": self.jira_id})


class SyncRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCESS = "success", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (another sync was running)"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        ADMIN = "admin", "Admin (Sync now)"
        COMMAND = "command", "Command line"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.SCHEDULE)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    desks_seen = models.PositiveIntegerField(default=0)
    desks_created = models.PositiveIntegerField(default=0)
    desks_updated = models.PositiveIntegerField(default=0)
    desks_deactivated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        constraints = [
            # The lock: at most one running sync per tenant, in whatever database runs (services.py).
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(outcome="running"), name="one_running_sync_per_tenant"
            ),
        ]

    def __str__(self) -> str:
        return f"Sync of {self.tenant} at {self.started_at:%Y-%m-%d %H:%M} ({self.get_outcome_display()})"


class OrganizationRule(models.Model):
    """Puts customers into a JSM organization on sign-in: by email domain or by IdP group.

    The organization is created in Jira if missing (its id is remembered here). With
    `remove_when_unmatched`, a customer the gateway added is removed again once the rule no longer
    matches them (their group was taken away at the IdP, their email changed).
    """

    class Kind(models.TextChoices):
        EMAIL_DOMAIN = "email_domain", "Email domain"
        IDP_GROUP = "idp_group", "Identity provider group"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="organization_rules")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EMAIL_DOMAIN)
    value = models.CharField(
        "matches",
        max_length=255,
        help_text="An email domain (example.com: exact, subdomains not included) or a group name as the IdP sends it.",
    )
    organization_name = models.CharField("JSM organization", max_length=200, help_text="Created in Jira if missing.")
    organization_id = models.CharField(
        "JSM organization id", max_length=32, blank=True, help_text="Filled in when the gateway first uses the rule."
    )
    remove_when_unmatched = models.BooleanField(
        default=False,
        help_text="Remove customers the gateway added once this rule no longer matches them.",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "value", "organization_name"], name="uniq_org_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} → {self.organization_name}"

    def matches(self, *, email: str, groups: list[str]) -> bool:
        if self.kind == self.Kind.EMAIL_DOMAIN:
            return email.rpartition("@")[2].lower() == self.value.strip().lstrip("@").lower()
        return self.value in (groups or [])


class JiraAccountGrant(models.Model):
    """What the gateway already did in Jira for one account of one tenant, so a repeat sign-in with
    nothing changed costs no Jira call (portal/provisioning.py): the email it was found by, the
    service desks it was added to, the organizations it joined.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "Found by email"
        SERVICE_DESK = "service_desk", "Customer of service desk"
        ORGANIZATION = "organization", "Member of organization"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="jira_grants")
    account_id = models.CharField("Jira account id", max_length=128)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    target = models.CharField(max_length=255, help_text="The email, service desk id or organization id.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Jira access granted"
        verbose_name_plural = "Jira access granted"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "account_id", "kind", "target"], name="uniq_jira_grant"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.get_kind_display()} {self.target}"


class RetiredSlug(models.Model):
    """A slug a tenant gave up (renamed away from, or deleted with the tenant), reserved for good.

    Substitute links and the callback URLs registered at identity providers carry the slug; were
    another tenant to take it, those links and callbacks would land on the new owner (the
    "subdomain takeover" of a path: OWASP WSTG-CONF-10). Only the tenant that gave the slug up may
    take it back; an operator releases a reservation deliberately by deleting its row.
    """

    class Reason(models.TextChoices):
        RENAMED = "renamed", "The tenant was renamed"
        DELETED = "deleted", "The tenant was deleted"

    slug = models.SlugField(max_length=50, unique=True)
    former_tenant_id = models.PositiveBigIntegerField(help_text="The tenant that used it (it may no longer exist).")
    former_tenant_name = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    @classmethod
    def record_rename(cls, *, tenant: Tenant, old_slug: str) -> None:
        """Reserve `old_slug`, which `tenant` has just given up; its new slug is in use, so no longer retired.

        Call it in the transaction that saves the rename.
        """
        cls.objects.filter(slug=tenant.slug, former_tenant_id=tenant.pk).delete()
        cls._reserve(tenant=tenant, slug=old_slug, reason=cls.Reason.RENAMED)

    @classmethod
    def record_deletion(cls, *, tenant: Tenant) -> None:
        """Reserve the slug of `tenant`, about to be deleted (call it in the deleting transaction)."""
        cls._reserve(tenant=tenant, slug=tenant.slug, reason=cls.Reason.DELETED)

    @classmethod
    def _reserve(cls, *, tenant: Tenant, slug: str, reason: str) -> None:
        cls.objects.update_or_create(
            slug=slug, defaults={"former_tenant_id": tenant.pk, "former_tenant_name": tenant.name, "reason": reason}
        )

    @classmethod
    def check_available(cls, *, slug: str, tenant: Tenant) -> None:
        """Raise a ValidationError on `slug` if a tenant other than `tenant` gave it up."""
        retired = cls.objects.filter(slug=slug).first()
        if retired is None or (tenant.pk is not None and retired.former_tenant_id == tenant.pk):
            return
        why = retired.get_reason_display().lower()
        message = (
            f"The slug “{slug}” was retired on {retired.retired_at:%Y-%m-%d} ({why}): links and identity-provider "
            "callback URLs with it may still be in use, so no other tenant may take it. Choose another slug "
            "(an operator can release it under Retired slugs)."
        )
        raise ValidationError({"slug": ValidationError(message, code="retired")})


class AtlassianSaml(models.Model):
    """The two values Atlassian shows after the first save of its SAML form (admin.atlassian.com → Security →
    Identity providers → your portal-only customer provider): who may ask this tenant's SAML identity
    provider for an assertion, and the one address an assertion is ever posted to.
    """

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="atlassian_saml")
    sp_entity_id = models.CharField(
        "service provider entity URL",
        max_length=500,
        blank=True,
        validators=[validate_sp_entity_id],
        help_text="As Atlassian shows it: https://auth.atlassian.com/saml/ followed by an id. The Issuer of "
        "Atlassian's AuthnRequests and the Audience of every assertion. Empty until Atlassian shows it (after you "
        "saved the three values of this page there).",
    )
    acs_url = models.URLField(
        "service provider assertion consumer service URL",
        max_length=500,
        blank=True,
        validators=[validate_acs_url],
        help_text="As Atlassian shows it: https://auth.atlassian.com/login/callback?connection=saml- followed by an "
        "id. Assertions are posted here and nowhere else.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Atlassian customer SSO (native mode)"
        verbose_name_plural = "Atlassian customer SSO (native mode)"
        constraints = [
            # One Atlassian SP trusts one tenant's IdP: the same SP at two tenants is a pasting mistake.
            models.UniqueConstraint(
                fields=["sp_entity_id"], condition=~models.Q(sp_entity_id=""), name="uniq_atlassian_sp_entity_id"
            ),
        ]

    def __str__(self) -> str:
        return f"Atlassian customer SSO of {self.tenant}"

    @property
    def is_complete(self) -> bool:
        """Both of Atlassian's values are in: the SSO URL answers AuthnRequests."""
        return bool(self.sp_entity_id and self.acs_url)

    def clean(self) -> None:
        super().clean()
        if bool(self.sp_entity_id) != bool(self.acs_url):
            raise ValidationError("Atlassian shows both values on one page: enter both, or neither for now.")


class SamlIdpKey(models.Model):
    """A signing key and self-signed certificate of the tenant's SAML identity provider (native mode).

    Rotation without an outage: a NEXT key is made and published beside the CURRENT one in the
    metadata while the admin pastes its certificate into Atlassian; promoting it makes it CURRENT
    (it signs from then on) and retires the old one. At most one CURRENT and one NEXT per tenant.
    """

    class State(models.TextChoices):
        CURRENT = "current", "Current (signs assertions)"
        NEXT = "next", "Next (published, not yet signing)"
        RETIRED = "retired", "Retired"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="saml_idp_keys")
    state = models.CharField(max_length=16, choices=State.choices)
    private_key = EncryptedTextField("private key", help_text="PKCS#8 PEM. Stored encrypted; never shown.")
    certificate = models.TextField(help_text="The self-signed X.509 certificate (PEM) Atlassian verifies with.")
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SAML identity provider key"
        ordering = ["tenant", "state", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(state="current"), name="one_current_saml_idp_key"
            ),
            models.UniqueConstraint(fields=["tenant"], condition=models.Q(state="next"), name="one_next_saml_idp_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} key of {self.tenant} ({self.created_at:%Y-%m-%d})"
