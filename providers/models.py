"""Identity providers per tenant and how their claims map onto a customer."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from providers.presets import PRESET_CHOICES, PRESETS
from tenants.fields import EncryptedTextField
from tenants.models import Tenant
from tenants.validators import validate_outbound_url


def split_words(text: str) -> list[str]:
    """`"a, b c"` → `["a", "b", "c"]`: how scopes and email domains are typed in the admin."""
    return [word for word in text.replace(",", " ").split() if word]


MISSING_DISCOVERY_URL = (
    "Generic OpenID Connect needs the provider's discovery URL. It is the issuer followed by "
    "/.well-known/openid-configuration; or pick the provider's preset above."
)


class IdentityProvider(models.Model):
    class TokenAuth(models.TextChoices):
        BASIC = "client_secret_basic", "client_secret_basic (HTTP Basic, default)"
        POST = "client_secret_post", "client_secret_post (in the form body)"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="identity_providers")
    slug = models.SlugField(
        max_length=50,
        help_text="Part of the callback URL; changing it breaks the registration at the provider (register the new "
        "callback URL there).",
    )
    name = models.CharField("display name", max_length=200, help_text="Shown to customers on the sign-in choice page.")
    preset = models.CharField(
        max_length=32,
        choices=PRESET_CHOICES,
        default="salesforce",
        help_text="Where your customers already have an account. Any other OpenID Connect provider: "
        "Generic OpenID Connect, with its discovery URL.",
    )
    client_id = models.CharField(
        "client id",
        max_length=500,
        help_text="Salesforce: the connected app's Consumer Key. Entra ID: Application (client) ID. "
        "Okta: Client ID (Applications → your app → General).",
    )
    client_secret = EncryptedTextField(
        "client secret",
        blank=True,
        help_text="Salesforce: the Consumer Secret. Entra ID: the secret's Value (not its ID) under Certificates & "
        "secrets. Okta: Client secret. Stored encrypted; never shown again.",
    )
    domain = models.CharField(
        max_length=255,
        blank=True,
        help_text="Salesforce: login.salesforce.com, test.salesforce.com or your My Domain host (Setup → My Domain). "
        "Entra ID: the Directory (tenant) ID on the app's Overview. Okta: your Okta domain (acme.okta.com). "
        "Auth0/ADFS/GitLab: the host. Keycloak/Cognito: the issuer URL.",
    )
    discovery_url = models.URLField(
        "discovery URL",
        max_length=500,
        blank=True,
        validators=[validate_outbound_url],
        help_text="Generic OpenID Connect only: the provider's issuer followed by /.well-known/openid-configuration "
        "(its documentation calls it the discovery or metadata URL).",
    )
    scopes = models.CharField(
        max_length=500,
        default="openid email profile",
        help_text="Space-separated; must include openid. Salesforce: the connected app's Selected OAuth Scopes must "
        "allow them (openid, email, profile).",
    )
    email_domains = models.TextField(
        blank=True,
        help_text="Customers who type an email in one of these domains are sent here (comma or space separated).",
    )
    token_auth_method = models.CharField(
        "client authentication",
        max_length=32,
        choices=TokenAuth.choices,
        default=TokenAuth.BASIC,
        help_text="Keep the default unless the provider's token endpoint refuses it (invalid_client): then try "
        "client_secret_post.",
    )
    allow_hs256 = models.BooleanField(
        "accept HS256 ID tokens",
        default=False,
        help_text="Only if the provider signs ID tokens with the client secret.",
    )
    allow_unverified_email = models.BooleanField(
        default=False, help_text="Accept sign-ins whose email_verified claim is false (not recommended)."
    )
    clock_leeway = models.PositiveSmallIntegerField(
        "clock leeway (seconds)",
        default=60,
        validators=[MaxValueValidator(600)],
        help_text="How far the provider's clock may differ from ours when checking token times.",
    )
    is_enabled = models.BooleanField("enabled", default=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position on the choice page (lowest first).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "slug"], name="uniq_provider_per_tenant")]

    def __str__(self) -> str:
        return self.name

    @property
    def preset_config(self):
        return PRESETS[self.preset]

    @property
    def scope_list(self) -> list[str]:
        return split_words(self.scopes)

    @property
    def email_domain_list(self) -> list[str]:
        return [domain.lower().lstrip("@") for domain in split_words(self.email_domains)]

    def resolved_discovery_url(self) -> str:
        return self.preset_config.discovery_url(domain=self.domain, discovery_url=self.discovery_url)

    def callback_path(self) -> str:
        return reverse("providers:callback", kwargs={"tenant_slug": self.tenant.slug, "provider_slug": self.slug})

    def login_path(self) -> str:
        return reverse("providers:login", kwargs={"tenant_slug": self.tenant.slug, "provider_slug": self.slug})

    def clean(self):
        preset = PRESETS.get(self.preset)
        if preset is None:
            return
        if preset.discovery is None and not self.discovery_url:
            raise ValidationError({"discovery_url": MISSING_DISCOVERY_URL})
        if preset.needs_domain and not (self.domain or preset.default_domain):
            raise ValidationError({"domain": f"{preset.label} needs: {preset.domain_label}. {preset.domain_help}"})
        if preset.needs_domain:
            try:
                validate_outbound_url(self.resolved_discovery_url())
            except ValidationError as exc:
                raise ValidationError({"domain": exc.messages}) from exc
        if "openid" not in self.scope_list:
            raise ValidationError({"scopes": "The scopes must include openid (e.g. “openid email profile”)."})


class AttributeMapping(models.Model):
    """Which claim fills which customer attribute. Blank: not mapped."""

    provider = models.OneToOneField(IdentityProvider, on_delete=models.CASCADE, related_name="mapping")
    email = models.CharField(
        "email claim",
        max_length=100,
        default="email",
        help_text="Salesforce, Okta: email. Entra ID: email (add it under Token configuration → Add optional claim).",
    )
    first_name = models.CharField("first name claim", max_length=100, blank=True, default="given_name")
    last_name = models.CharField("last name claim", max_length=100, blank=True, default="family_name")
    display_name = models.CharField(
        "display name claim",
        max_length=100,
        blank=True,
        default="name",
        help_text="Test connection lists every claim the provider sent; type the name of one of them.",
    )
    groups = models.CharField(
        "groups claim",
        max_length=100,
        blank=True,
        default="",
        help_text="Entra ID: groups (Token configuration → Add groups claim). Okta: groups (Sign On → Groups claim "
        "filter). Salesforce sends none.",
    )

    ATTRIBUTES = ("email", "first_name", "last_name", "display_name", "groups")

    class Meta:
        verbose_name = "attribute mapping"

    def __str__(self) -> str:
        return f"Mapping of {self.provider}"
