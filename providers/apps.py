from django.apps import AppConfig
from django.core import checks


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Sign-in"  # the breadcrumb reads Home › Sign-in › Identity providers

    def ready(self):
        from providers.models import AttributeMapping, IdentityProvider
        from providers.oidc.limits import rates_check
        from sso_gateway import localcache

        # An edit saved in this process is seen by this process's next request (sso_gateway/localcache.py).
        for model in (IdentityProvider, AttributeMapping):
            localcache.clear_on_change(model)
        checks.register(rates_check)
