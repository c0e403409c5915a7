from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    """Declarative tenant configuration (apply and export a JSON document, list a tenant's links).

    An app of its own because it writes tenants and identity providers alike: it sits above both,
    beside the portal, so neither has to import the other's configuration.
    """

    name = "configuration"
    verbose_name = "Declarative configuration"
