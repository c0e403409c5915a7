from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants and Jira sites"

    def ready(self):
        from django.core.signals import setting_changed

        from sso_gateway import localcache, pages
        from tenants.errorlog import error_record
        from tenants.models import ServiceDesk, Tenant

        # An edit saved in this process is seen by this process's next request (sso_gateway/localcache.py).
        for model in (Tenant, ServiceDesk):
            localcache.clear_on_change(model)
        setting_changed.connect(localcache.clear_all, dispatch_uid="localcache.settings")
        # Every error page's reference is found in the admin (Error log), not only in the console.
        pages.error_recorder_set(error_record)
