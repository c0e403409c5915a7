from django.apps import AppConfig


class NativeConfig(AppConfig):
    name = "native"
    verbose_name = "Native mode (Atlassian customer SSO)"
