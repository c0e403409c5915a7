"""Prepares the demo's database without starting anything: the operator, the demo tenant and its
identity provider (the demo OP at /demo-idp/). bin/run does this and more (demo/management/commands/
run_demo.py: the fake Jira site, the sync, the worker and beat); this is for a gateway run by hand.
Like the whole demo app, it exists only in demo mode (GATEWAY_DEMO=true).
"""

from django.core.management.base import BaseCommand

from demo import services
from tenants.links import absolute


class Command(BaseCommand):
    help = "Create (or refresh) the demo operator, demo tenant and demo identity provider; print how to sign in."

    def handle(self, *args, **options):
        tenant = services.demo_tenant_ensure()
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "JSM SSO Gateway — demo mode",
                    f"  Admin:    {absolute('/admin/')}",
                    f"  Operator: {services.OPERATOR_USERNAME} / {services.operator_password()}",
                    f"  Tenant:   {tenant.name} → {absolute(tenant.get_absolute_url())}",
                    "  Jira:     bin/run starts the fake Jira site and connects this tenant to it.",
                    "",
                ]
            )
        )
