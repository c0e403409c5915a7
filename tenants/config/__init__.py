"""Declarative tenant configuration: apply a JSON document, export one (issue 2, point 6).

`parse` checks the document's structure, `apply` writes it in one transaction through the
models' own validation, `export` writes the same format back without secrets. The format is
documented in the README ("Declarative configuration").
"""

from tenants.config.apply import ApplyReport, Change, tenant_config_apply
from tenants.config.errors import ConfigError, ConfigInvalid, TenantNotFound
from tenants.config.export import tenant_config_export

__all__ = [
    "ApplyReport",
    "Change",
    "ConfigError",
    "ConfigInvalid",
    "TenantNotFound",
    "tenant_config_apply",
    "tenant_config_export",
]
