"""`tenant_links SLUG [--json]`: the callback, login, account and substitute-link URLs of a tenant."""

import json

from django.core.management.base import BaseCommand, CommandError

from configuration.links import tenant_links
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Print a tenant's callback URLs, login URLs, account URL and service desk substitute links."

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Machine-readable output.")

    def handle(self, *args, slug, as_json: bool, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug “{slug}”.")
        links = tenant_links(tenant=tenant)
        self.stdout.write(_as_json(links) if as_json else _as_table(links))


def _as_json(links: dict) -> str:
    return json.dumps(links, indent=2, ensure_ascii=False)


def _as_table(links: dict) -> str:
    lines = [f"Tenant {links['tenant']}", f"  Customer account: {links['customer_account_url']}", ""]
    lines.append("Identity providers" + ("" if links["identity_providers"] else ": none"))
    for provider in links["identity_providers"]:
        state = "" if provider["enabled"] else " (disabled)"
        lines.append(f"  {provider['slug']} — {provider['name']}{state}")
        if "acs_url" in provider:  # SAML: what the provider's registration asks for
            lines += [
                f"    ACS URL:      {provider['acs_url']}",
                f"    SP entity id: {provider['sp_entity_id']} (also its SP metadata)",
            ]
        else:
            lines.append(f"    callback URL: {provider['callback_url']}")
        lines.append(f"    login URL:    {provider['login_url']}")
    lines += ["", "Service desks" + ("" if links["service_desks"] else ": none (not synced yet?)")]
    for desk in links["service_desks"]:
        lines += [
            f"  {desk['project_key']} — {desk['name']} (id {desk['jira_id']})",
            f"    substitute link: {desk['substitute_link']}",
            f"    Jira portal:     {desk['jira_portal_url'] or '—'}",
        ]
    if "saml_idp" in links:
        idp = links["saml_idp"]
        lines += [
            "",
            "SAML identity provider (native mode: paste into Atlassian)",
            f"  entity ID:    {idp['entity_id']}",
            f"  SSO URL:      {idp['sso_url']}",
            f"  metadata URL: {idp['metadata_url']}",
        ]
    return "\n".join(lines)
