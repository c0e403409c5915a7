"""Validation of the URLs and names admins type in."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from sso_gateway import destinations

# Slugs that would shadow the gateway's own top-level paths.
RESERVED_SLUGS = frozenset(
    {"admin", "static", "media", "healthz", "readyz", "metrics", "api", "oidc", "accounts", "demo-idp"}
)


def validate_outbound_url(value: str) -> None:
    """An identity provider or Jira URL: https, or http only when GATEWAY_ALLOW_INSECURE_HTTP is on; and a
    host outside the gateway's own network (`sso_gateway.destinations`, OWASP SSRF Prevention Cheat Sheet).

    The host name is resolved here, so a name that leads to 127.0.0.1 is refused while the admin is still on
    the page; a name that does not resolve (yet, or not from here) is accepted, because every connection
    checks again. Settings are read at call time, so tests and the demo can switch them.
    """
    parts = urlsplit(value)
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        _refuse_internal(parts, resolve=False)  # "https://metadata/" is no valid URL, but say what it is
        raise
    if parts.username or parts.password:
        raise ValidationError("Do not put credentials in the URL.", code="credentials")
    if parts.scheme == "http" and not settings.GATEWAY_ALLOW_INSECURE_HTTP:
        raise ValidationError(
            "This URL uses plain http://; use https:// (plain http is allowed only when "
            "GATEWAY_ALLOW_INSECURE_HTTP is on, for tests and the demo).",
            code="insecure",
        )
    _refuse_internal(parts, resolve=True)


def _refuse_internal(parts, *, resolve: bool) -> None:
    try:
        if resolve:
            destinations.check_host(parts.hostname or "", parts.port)
        else:
            destinations.check_name(parts.hostname or "")
    except destinations.DestinationRefused as exc:
        raise ValidationError(
            f"The gateway does not call addresses inside its own network: {exc} Use the service's public "
            "address; an operator can allow an on-premises host with GATEWAY_OUTBOUND_ALLOW.",
            code="internal_address",
        ) from None


def validate_tenant_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is reserved for the gateway's own pages; choose another slug.")


def validate_sp_entity_id(value: str) -> None:
    """Atlassian's service provider entity URL: an absolute https URI (any URI is a valid SAML entity id,
    but Atlassian's are https URLs, and a typo such as a missing scheme is caught here)."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or len(value) > 500:
        raise ValidationError(
            "The service provider entity URL is an https:// URL, e.g. https://auth.atlassian.com/saml/<id>: "
            "copy it from Atlassian's SAML page.",
            code="entity_id",
        )


def validate_acs_url(value: str) -> None:
    """Where assertions are posted: https, or plain http on 127.0.0.1 only with GATEWAY_ALLOW_INSECURE_HTTP (tests).

    Unlike an outbound URL this is not an address the gateway calls: the customer's browser posts there.
    """
    parts = urlsplit(value)
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError("Enter the assertion consumer service URL exactly as Atlassian shows it.") from None
    if parts.username or parts.password or parts.fragment:
        raise ValidationError("The assertion consumer service URL has no credentials and no #fragment.")
    local = parts.hostname in ("127.0.0.1", "localhost")
    if parts.scheme == "http" and not (settings.GATEWAY_ALLOW_INSECURE_HTTP and local):
        raise ValidationError(
            "The assertion consumer service URL must be https:// (plain http only on 127.0.0.1 with "
            "GATEWAY_ALLOW_INSECURE_HTTP, for tests).",
            code="insecure",
        )
