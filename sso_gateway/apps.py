"""The project package as an app, only to connect its signal receivers once Django is set up."""

from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "sso_gateway"
    verbose_name = "JSM SSO Gateway"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from sso_gateway.session_lifetime import admin_signed_in

        user_logged_in.connect(admin_signed_in, dispatch_uid="gateway.admin_session_lifetime")
