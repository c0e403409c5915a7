"""Validation of the URLs and names admins type in."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# Slugs that would shadow the gateway's own top-level paths.
RESERVED_SLUGS = frozenset(
    {"admin", "static", "media", "healthz", "readyz", "metrics", "api", "oidc", "accounts", "demo-idp"}
)


def validate_outbound_url(value: str) -> None:
    """An identity provider or Jira URL: https, or http only when GATEWAY_ALLOW_INSECURE_HTTP is on.

    Read at call time, so tests and the demo can switch it without reloading anything.
    """
    URLValidator(schemes=["http", "https"])(value)
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise ValidationError("Do not put credentials in the URL.", code="credentials")
    if parts.scheme == "http" and not settings.GATEWAY_ALLOW_INSECURE_HTTP:
        raise ValidationError(
            "This URL uses plain http://; use https:// (plain http is allowed only when "
            "GATEWAY_ALLOW_INSECURE_HTTP is on, for tests and the demo).",
            code="insecure",
        )


def validate_tenant_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is reserved for the gateway's own pages; choose another slug.")
