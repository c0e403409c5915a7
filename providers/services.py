"""Writes to identity providers and their mappings."""

from providers.models import AttributeMapping, IdentityProvider


def attribute_mapping_ensure(*, provider: IdentityProvider) -> AttributeMapping:
    """Every provider has a mapping; a new one starts from its preset's defaults."""
    mapping, _ = AttributeMapping.objects.get_or_create(provider=provider, defaults=provider.preset_config.mapping)
    return mapping
