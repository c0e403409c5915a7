from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The local demo (bin/run): a demo identity provider and the fake Jira site's wiring.

    Installed only when GATEWAY_DEMO is on (settings.py, "demo" block); production refuses that switch.
    """

    name = "demo"
    verbose_name = "Demo"
