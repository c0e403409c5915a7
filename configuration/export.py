"""Exporting tenants in the declarative format, without a single secret.

A secret is written as `{"env": "<SUGGESTED_NAME>"}`: the file says where the value should come
from when it is applied again, never the value (secrets are write-only). Applying an export
recreates the same configuration once those variables are set.
"""

from configuration import schema
from configuration.errors import TenantNotFound
from configuration.secrets import suggested_env_name
from providers.models import AttributeMapping, IdentityProvider, split_words
from tenants.models import AtlassianSaml, JiraConnection, Tenant


def tenant_config_export(*, slugs: list[str]) -> dict:
    """The document for these tenants, in the order given."""
    tenants = []
    for slug in slugs:
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise TenantNotFound(slug)
        tenants.append(_tenant(tenant))
    return {"tenants": tenants}


def _tenant(tenant: Tenant) -> dict:
    data = _values(tenant, schema.TENANT_KEYS, secret_prefix=(tenant.slug,))
    jira = JiraConnection.objects.filter(tenant=tenant).first()
    if jira is not None:
        data["jira"] = _values(jira, schema.JIRA_KEYS, secret_prefix=(tenant.slug, "jira"))
    data["identity_providers"] = [
        _provider(provider) for provider in IdentityProvider.objects.filter(tenant=tenant).order_by("order", "slug")
    ]
    atlassian_saml = AtlassianSaml.objects.filter(tenant=tenant).first()
    if atlassian_saml is not None:
        data["atlassian_saml"] = _values(atlassian_saml, schema.ATLASSIAN_SAML_KEYS, secret_prefix=())
    return data


def _provider(provider: IdentityProvider) -> dict:
    """The keys of the provider's protocol; a SAML provider's metadata by URL when it has one, else as XML."""
    protocol = provider.preset_config.protocol
    keys = tuple(key for key in schema.PROVIDER_KEYS if key.protocol in ("", protocol))
    if protocol == "saml":
        keys = tuple(key for key in keys if key.name != ("metadata_xml" if provider.metadata_url else "metadata_url"))
    data = _values(provider, keys, secret_prefix=(provider.tenant.slug, provider.slug))
    mapping = AttributeMapping.objects.filter(provider=provider).first()
    if mapping is not None:
        data["attribute_mapping"] = _values(mapping, schema.MAPPING_KEYS, secret_prefix=())
    return data


def _values(obj, keys: tuple[schema.Key, ...], *, secret_prefix: tuple[str, ...]) -> dict:
    data: dict[str, object] = {}
    for key in keys:
        value = getattr(obj, key.attr)
        if key.kind == "secret":
            # An unset secret is left out: applying the export then keeps whatever is stored.
            if value:
                data[key.name] = {"env": suggested_env_name(*secret_prefix, key.name)}
        elif key.kind == "words":
            data[key.name] = split_words(value)
        else:
            data[key.name] = value
    return data
