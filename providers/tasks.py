"""Celery tasks of the identity providers. Thin: they take ids and call the services.

`saml_metadata_refresh_all` is what Celery beat runs (the schedule is created by migration 0006 and
edited in the admin under Periodic tasks): one refresh per SAML provider that has a metadata URL.
"""

from celery import shared_task

from providers.models import IdentityProvider
from providers.presets import PRESETS
from providers.saml.metadata import metadata_refresh


@shared_task(name="providers.tasks.saml_metadata_refresh", ignore_result=True)
def saml_metadata_refresh(provider_id: int) -> str:
    provider = IdentityProvider.objects.select_related("tenant").filter(pk=provider_id).first()
    if provider is None or not provider.metadata_url or not provider.is_saml:
        return "provider gone or without a metadata URL"
    return "refreshed" if metadata_refresh(provider=provider) else "failed"


@shared_task(name="providers.tasks.saml_metadata_refresh_all", ignore_result=True)
def saml_metadata_refresh_all() -> int:
    saml_presets = [key for key, preset in PRESETS.items() if preset.protocol == "saml"]
    ids = list(
        IdentityProvider.objects.filter(preset__in=saml_presets).exclude(metadata_url="").values_list("pk", flat=True)
    )
    for provider_id in ids:
        saml_metadata_refresh.delay(provider_id)
    return len(ids)
