"""What a preset is: the few facts that turn an admin's short answers into an OIDC configuration."""

from dataclasses import dataclass, field

DEFAULT_SCOPES = ("openid", "email", "profile")
DEFAULT_MAPPING = {
    "email": "email",
    "first_name": "given_name",
    "last_name": "family_name",
    "display_name": "name",
    "groups": "",
}


def base_url(domain: str) -> str:
    """`acme.okta.com` → `https://acme.okta.com`; a full URL (even http://, checked elsewhere) is kept."""
    domain = domain.strip().rstrip("/")
    return domain if "://" in domain else f"https://{domain}"


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    # Template of the discovery URL: `{base}` is `base_url(domain)`, `{domain}` the domain as typed.
    # None: the admin types the discovery URL itself.
    discovery: str | None = "{base}/.well-known/openid-configuration"
    domain_label: str = "Domain"
    domain_help: str = ""
    default_domain: str = ""
    client_help: str = ""
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    mapping: dict = field(default_factory=lambda: dict(DEFAULT_MAPPING))
    # "oidc" or "saml": which sign-in protocol the provider speaks (and which fields the admin asks for).
    protocol: str = "oidc"
    # Where the provider's console takes the callback URL (OIDC) or the ACS URL and SP entity id (SAML).
    register_help: str = ""
    # SAML: where to find the provider's metadata (its URL or the XML to paste).
    metadata_help: str = ""
    # Examples shown in the admin's empty fields, in this provider's own form.
    domain_placeholder: str = ""
    client_placeholder: str = ""
    metadata_placeholder: str = ""
    # SAML: the NameID format asked for in the AuthnRequest's NameIDPolicy ("" asks for none in particular).
    name_id_format: str = ""

    @property
    def needs_domain(self) -> bool:
        return self.discovery is not None and ("{base}" in self.discovery or "{domain}" in self.discovery)

    def discovery_url(self, *, domain: str, discovery_url: str = "") -> str:
        if self.discovery is None:
            return discovery_url
        domain = (domain or self.default_domain).strip()
        return self.discovery.format(base=base_url(domain), domain=domain)
