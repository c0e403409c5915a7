"""The identity provider's SAML metadata from its URL: fetched through the outgoing-HTTP module, checked,
and stored on the provider row, so a sign-in never waits for it and a new signing certificate (rollover)
is trusted as soon as the provider publishes it.

`metadata_fetch` is used when an admin saves a metadata URL (and by `tenant_config apply`);
`metadata_refresh` by the Celery beat task (providers.tasks) for every SAML provider with a URL. A refresh
that fails keeps the last good document and writes why on the row (shown in the admin).
"""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from providers.errors import SignInError
from providers.models import IdentityProvider
from providers.oidc import http
from sso_gateway import saml
from tenants.validators import validate_outbound_url

logger = logging.getLogger("gateway.saml")


class MetadataUnusable(Exception):
    """The URL did not give usable metadata; the message says why and is safe to show an admin."""


def outbound_url_ok(url: str) -> bool:
    """Whether the gateway may call `url` at all (https, outside its own network): checked before fetching."""
    try:
        validate_outbound_url(url)
    except ValidationError:
        return False
    return True


def metadata_fetch(url: str) -> str:
    """The metadata document at `url` (https, outside the gateway's network, at most 1 MB), parsed once."""
    try:
        response = http.send("GET", url, what="SAML metadata", headers={"Accept": "application/samlmetadata+xml"})
    except SignInError as exc:
        raise MetadataUnusable(exc.detail) from exc
    if response.status != 200:
        raise MetadataUnusable(f"the metadata URL answered HTTP {response.status}.")
    try:
        saml.idp_metadata_parse(response.body)
        return response.body.decode("utf-8")
    except (saml.SamlInputError, UnicodeDecodeError) as exc:
        raise MetadataUnusable(str(exc)) from exc


def metadata_refresh(*, provider: IdentityProvider) -> bool:
    """Fetch the provider's metadata again; store it when usable (True), else record why and keep the old."""
    now = timezone.now()
    try:
        document = metadata_fetch(provider.metadata_url)
    except MetadataUnusable as exc:
        logger.warning("SAML metadata refresh failed provider=%s/%s: %s", provider.tenant.slug, provider.slug, exc)
        IdentityProvider.objects.filter(pk=provider.pk).update(metadata_error=f"{now:%Y-%m-%d %H:%M} UTC: {exc}"[:500])
        return False
    provider.metadata_xml, provider.metadata_fetched_at, provider.metadata_error = document, now, ""
    provider.save(update_fields=["metadata_xml", "metadata_fetched_at", "metadata_error", "updated_at"])
    return True
