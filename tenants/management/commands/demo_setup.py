"""Prepares the embedded default for a first run: a demo operator and a demo tenant."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sso_gateway import devkeys
from tenants.links import absolute
from tenants.models import Tenant

DEMO_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create (or refresh) the demo operator and demo tenant, and print how to sign in."

    def handle(self, *args, **options):
        if not settings.GATEWAY_DEMO:
            raise CommandError("Demo mode is off (GATEWAY_DEMO=false); nothing to set up.")
        password = devkeys.load_or_create(settings.VAR_DIR, "demo-admin-password", devkeys.demo_password)
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        tenant, _ = Tenant.objects.get_or_create(slug="demo", defaults={"name": "Demo Help Center"})
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "JSM SSO Gateway — demo mode",
                    f"  Admin:    {absolute('/admin/')}",
                    f"  Operator: {DEMO_USERNAME} / {password}",
                    f"  Tenant:   {tenant.name} → {absolute(tenant.get_absolute_url())}",
                    "",
                ]
            )
        )
