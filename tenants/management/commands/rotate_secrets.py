"""`rotate_secrets`: re-encrypt every stored secret under the newest key of GATEWAY_ENCRYPTION_KEYS.

The procedure (docs/configuration.md, "Rotating the encryption key"): put the new key first in
GATEWAY_ENCRYPTION_KEYS and keep the old one after it, restart, run this command, then remove the old key
and restart again.
"""

from django.core.management.base import BaseCommand, CommandError

from tenants.rotation import SecretsUnreadable, secrets_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored secret under the first (newest) key in GATEWAY_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        try:
            counts = secrets_rotate()
        except SecretsUnreadable as exc:
            raise CommandError(str(exc)) from exc
        for count in counts:
            self.stdout.write(f"  {count.label}: {count.rotated} re-encrypted")
        total = sum(count.rotated for count in counts)
        self.stdout.write(self.style.SUCCESS(f"{total} secret(s) re-encrypted under the newest key."))
