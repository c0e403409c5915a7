"""Identity providers per tenant, how their claims map onto a customer, and the customers themselves.

A customer is (tenant, identity provider, subject): the same email at two providers or two tenants is
two customers. Email never links identities. Every protocol (OpenID Connect, SAML) ends in one
`providers.services.customer_sign_in`, and the portal consumes what it made.
"""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from providers.presets import PRESET_CHOICES, PRESETS
from sso_gateway import saml
from sso_gateway.pages import new_reference
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
        help_text="Where your customers already have an account. Any other: Generic OpenID Connect (its discovery "
        "URL) or Generic SAML 2.0 (its metadata).",
    )
    client_id = models.CharField(
        "client id",
        max_length=500,
        blank=True,
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
    # SAML 2.0 (the presets whose protocol is "saml"): the provider's metadata, pasted or fetched from its URL.
    metadata_url = models.URLField(
        "metadata URL",
        max_length=500,
        blank=True,
        validators=[validate_outbound_url],
        help_text="SAML: the address of the provider's federation metadata. Fetched when you save and refreshed "
        "every hour, so a new signing certificate works without you.",
    )
    metadata_xml = models.TextField(
        "metadata XML",
        blank=True,
        help_text="SAML: the provider's metadata document (an md:EntityDescriptor), pasted. With a metadata URL "
        "this holds the copy last fetched from it.",
    )
    metadata_fetched_at = models.DateTimeField("metadata fetched at", null=True, blank=True, editable=False)
    metadata_error = models.CharField(
        "last metadata refresh error", max_length=500, blank=True, editable=False, default=""
    )
    allow_idp_initiated = models.BooleanField(
        "accept IdP-initiated sign-ins",
        default=False,
        help_text="SAML: accept responses the provider sends without a request of ours (unsolicited). Off by "
        "default: an unsolicited response cannot be tied to the browser that receives it.",
    )
    sign_authn_requests = models.BooleanField(
        "sign AuthnRequests",
        default=False,
        help_text="SAML: sign the requests the gateway sends (RSA-SHA256) with a key of this provider's own, published "
        "in the SP metadata. Always on when the provider's metadata asks for signed requests.",
    )
    want_encrypted_assertions = models.BooleanField(
        "want encrypted assertions",
        default=False,
        help_text="SAML: publish an encryption certificate of this provider's own in the SP metadata, so the provider "
        "encrypts its assertions to it (AES-GCM or AES-CBC, RSA-OAEP). The signature inside is still required.",
    )
    sp_encryption_key = EncryptedTextField("SP encryption key", blank=True, editable=False)
    sp_encryption_certificate = models.TextField("SP encryption certificate", blank=True, editable=False)
    sp_signing_key = EncryptedTextField("SP signing key", blank=True, editable=False)
    sp_signing_certificate = models.TextField("SP signing certificate", blank=True, editable=False)
    is_enabled = models.BooleanField("enabled", default=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position on the choice page (lowest first).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "slug"], name="uniq_provider_per_tenant")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """A SAML provider that signs its requests or wants encrypted assertions gets its own key pair for each when
        it first needs one (at save, so a sign-in start never writes)."""
        for wanted, use in ((self.is_saml and self.signs_requests, "signing"),
                            (self.is_saml and self.want_encrypted_assertions, "encryption")):  # fmt: skip
            if wanted and not getattr(self, f"sp_{use}_key"):
                key, certificate = saml.self_signed_certificate(f"{self.tenant.slug}/{self.slug} SAML SP {use}")
                setattr(self, f"sp_{use}_key", key)
                setattr(self, f"sp_{use}_certificate", certificate)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], f"sp_{use}_key", f"sp_{use}_certificate"}
        super().save(*args, **kwargs)

    @property
    def preset_config(self):
        return PRESETS[self.preset]

    @property
    def is_saml(self) -> bool:
        return self.preset_config.protocol == "saml"

    @property
    def scope_list(self) -> list[str]:
        return split_words(self.scopes)

    @property
    def email_domain_list(self) -> list[str]:
        return [domain.lower().lstrip("@") for domain in split_words(self.email_domains)]

    def resolved_discovery_url(self) -> str:
        return self.preset_config.discovery_url(domain=self.domain, discovery_url=self.discovery_url)

    def callback_path(self) -> str:
        if self.is_saml:
            return self.acs_path()
        return reverse("providers:callback", kwargs={"tenant_slug": self.tenant.slug, "provider_slug": self.slug})

    def acs_path(self) -> str:
        """SAML: the Assertion Consumer Service URL's path (HTTP-POST binding)."""
        return reverse("providers:saml_acs", kwargs={"tenant_slug": self.tenant.slug, "provider_slug": self.slug})

    def sp_metadata_path(self) -> str:
        """SAML: where this row publishes its service provider metadata; its absolute URL is the SP entity id."""
        return reverse("providers:saml_metadata", kwargs={"tenant_slug": self.tenant.slug, "provider_slug": self.slug})

    def saml_metadata(self) -> saml.IdpMetadata:
        """The identity provider's metadata, parsed (SamlInputError when there is none or it is unusable)."""
        if not self.metadata_xml.strip():
            raise saml.SamlInputError("No metadata yet: paste the provider's metadata XML or give its URL.")
        return _metadata_parsed(self.metadata_xml)

    @property
    def signs_requests(self) -> bool:
        """SAML: whether AuthnRequests are signed (asked for here, or by the provider's metadata)."""
        if self.sign_authn_requests:
            return True
        try:
            return self.saml_metadata().want_authn_requests_signed
        except saml.SamlInputError:
            return False

    def login_path(self) -> str:
        return reverse("providers:login", kwargs={"tenant_slug": self.tenant.slug, "provider_slug": self.slug})

    def clean(self):
        preset = PRESETS.get(self.preset)
        if preset is None:
            return
        if preset.protocol == "saml":
            self._clean_saml()
            return
        if not self.client_id:
            raise ValidationError({"client_id": "OpenID Connect needs the client id the provider gave this app."})
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

    def _clean_saml(self) -> None:
        if not self.metadata_xml.strip() and not self.metadata_url:
            raise ValidationError(
                {"metadata_xml": "SAML needs the provider's metadata: paste its XML here or give its metadata URL."}
            )
        if self.metadata_xml.strip():
            try:
                self.saml_metadata()
            except saml.SamlInputError as exc:
                field = "metadata_url" if self.metadata_url else "metadata_xml"
                raise ValidationError({field: f"The metadata cannot be used: {exc}"}) from exc


@functools.lru_cache(maxsize=256)
def _metadata_parsed(xml: str) -> saml.IdpMetadata:
    """Parsed once per process and document (a refresh that changes the document parses the new one)."""
    return saml.idp_metadata_parse(xml.encode())


class AttributeMapping(models.Model):
    """Which claim (OpenID Connect) or attribute Name (SAML) fills which customer attribute. Blank: not mapped.

    SAML attribute names are URIs (http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress), hence
    the room for 255 characters."""

    provider = models.OneToOneField(IdentityProvider, on_delete=models.CASCADE, related_name="mapping")
    email = models.CharField(
        "email claim",
        max_length=255,
        default="email",
        help_text="The claim (OpenID Connect) or attribute Name (SAML) holding the email; each preset fills in what "
        "its provider sends. Entra ID (OIDC): email, added under Token configuration → Add optional claim. SAML: a "
        "NameID in email-address format is the email, and this attribute is read only otherwise.",
    )
    first_name = models.CharField("first name claim", max_length=255, blank=True, default="given_name")
    last_name = models.CharField("last name claim", max_length=255, blank=True, default="family_name")
    display_name = models.CharField(
        "display name claim",
        max_length=255,
        blank=True,
        default="name",
        help_text="Test connection lists every claim or attribute the provider sent; type the name of one of them.",
    )
    groups = models.CharField(
        "groups claim",
        max_length=255,
        blank=True,
        default="",
        help_text="Entra ID: groups (OIDC: Token configuration → Add groups claim; SAML: Attributes & Claims → Add a "
        "group claim). Okta: groups (Groups claim filter, or the SAML app's Group Attribute Statement). Salesforce "
        "sends none.",
    )

    ATTRIBUTES = ("email", "first_name", "last_name", "display_name", "groups")

    class Meta:
        verbose_name = "attribute mapping"

    def __str__(self) -> str:
        return f"Mapping of {self.provider}"


class Customer(models.Model):
    class Provisioning(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        RETRYING = "retrying", "Retrying (Jira unavailable)"
        FAILED = "failed", "Failed (gave up)"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="customers")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="customers")
    subject = models.CharField("subject (sub)", max_length=255)
    email = models.EmailField(max_length=254)
    email_verified = models.BooleanField(
        default=False,
        help_text="The provider vouched for the email at the last sign-in (email_verified true, or the claim "
        "absent and the provider authoritative for the email's domain). Only a verified email creates or claims "
        "a Jira account.",
    )
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    groups = models.JSONField(default=list, blank=True)
    jira_account_id = models.CharField("Jira account id", max_length=128, blank=True)
    provisioning = models.CharField(max_length=16, choices=Provisioning.choices, default=Provisioning.PENDING)
    provisioning_error = models.TextField(blank=True)
    # Provisioning in Jira (the portal's worker writes these). While RETRYING: the desk the customer came for,
    # and when its retry reached the task queue (empty: the queue was unreachable and a periodic task queues it).
    provisioning_desk = models.ForeignKey(
        "tenants.ServiceDesk", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provisioning_queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_login_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "provider", "subject"], name="uniq_customer_identity"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email or self.subject

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2].strip().lower()


class LoginEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Failure"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="login_events")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.SET_NULL, null=True, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=64, blank=True, help_text="A short code, e.g. iss_mismatch.")
    detail = models.TextField(blank=True)
    reference = models.CharField(max_length=16, default=new_reference, db_index=True)
    is_test = models.BooleanField("test connection", default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sign-in log entry"
        verbose_name_plural = "sign-in log"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.reference}"


class JiraAccountBinding(models.Model):
    """Which Jira account an identity (tenant, provider, subject) acts as in the hosted portal.

    Email only finds an account; it never decides who may use it. The first identity to claim an
    account owns it; another identity asserting the same email gets it only through an admin's link
    or because its provider is authoritative for the email's domain (the provider's email domains).
    """

    class How(models.TextChoices):
        FIRST_CLAIM = "first_claim", "First to claim it"
        AUTHORITATIVE = "authoritative", "Provider authoritative for the email's domain"
        ADMIN_LINK = "admin_link", "Linked by an admin"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="jira_account_bindings")
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="jira_binding")
    account_id = models.CharField("Jira account id", max_length=128)
    how = models.CharField(max_length=16, choices=How.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "Jira account binding"
        ordering = ["tenant", "account_id", "created_at"]
        constraints = [
            # One owner per account and tenant: two first sign-ins racing for one account cannot both win.
            models.UniqueConstraint(
                fields=["tenant", "account_id"],
                condition=models.Q(how="first_claim"),
                name="uniq_jira_account_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} → {self.account_id}"
