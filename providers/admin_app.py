"""The admin app with the gateway's own site (providers/admin_site.py): settings.INSTALLED_APPS names it in place of
django.contrib.admin, as Django's "overriding the default admin site" says. No model import here: it loads first."""

from django.contrib.admin.apps import AdminConfig


class GatewayAdminConfig(AdminConfig):
    default_site = "providers.admin_site.GatewayAdminSite"
