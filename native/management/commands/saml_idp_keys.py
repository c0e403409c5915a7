"""`manage.py saml_idp_keys TENANT [--prepare-next | --promote]`: show or rotate a tenant's SAML IdP signing keys.

Rotation without an outage, in two steps (native/keys.py): `--prepare-next` publishes a new certificate
in the metadata beside the current one; paste it into Atlassian (admin.atlassian.com → Security →
Identity providers → your provider → SAML single sign-on → Public x509 certificate); then `--promote`
makes it sign. Without an option: the keys and what to do next.
"""

from django.core.management.base import BaseCommand, CommandError

from native.keys import NoNextKey, idp_key_prepare_next, idp_key_promote, idp_keys_published
from sso_gateway import saml
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Show, prepare or promote the signing keys of a tenant's SAML identity provider (native mode)."

    def add_arguments(self, parser):
        parser.add_argument("tenant", help="The tenant's slug.")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--prepare-next", action="store_true", help="Make a next key, published beside the current.")
        group.add_argument("--promote", action="store_true", help="Make the next key the current (signing) one.")
        parser.add_argument("--pem", action="store_true", help="Also print the certificates (PEM).")

    def handle(self, *args, tenant: str, prepare_next: bool, promote: bool, pem: bool, **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant {tenant!r}.")
        if prepare_next:
            idp_key_prepare_next(tenant=found)
            self.stdout.write("A next key is published in the metadata. Paste its certificate into Atlassian, then run")
            self.stdout.write(f"  manage.py saml_idp_keys {found.slug} --promote")
        elif promote:
            try:
                idp_key_promote(tenant=found)
            except NoNextKey as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write("The next key now signs assertions; the old one is retired and left the metadata.")
        for key in idp_keys_published(tenant=found):
            fingerprint = saml.certificate_body(key.certificate)[-16:]
            self.stdout.write(f"{key.state:8} created {key.created_at:%Y-%m-%d %H:%M} UTC  certificate …{fingerprint}")
            if pem:
                self.stdout.write(key.certificate)
