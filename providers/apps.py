from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_delete, post_save


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Identity providers"

    def ready(self):
        from django.core.signals import setting_changed

        from providers.models import AttributeMapping, IdentityProvider
        from providers.oidc.limits import rates_check
        from sso_gateway import localcache
        from tenants.models import ServiceDesk, Tenant

        # An edit saved in this process is seen by this process's next request (sso_gateway/localcache.py).
        for model in (Tenant, IdentityProvider, AttributeMapping, ServiceDesk):
            post_save.connect(localcache.clear_all, sender=model, dispatch_uid=f"localcache.save.{model.__name__}")
            post_delete.connect(localcache.clear_all, sender=model, dispatch_uid=f"localcache.del.{model.__name__}")
        setting_changed.connect(localcache.clear_all, dispatch_uid="localcache.settings")
        checks.register(rates_check)
