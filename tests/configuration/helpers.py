"""Helpers of the declarative-configuration tests: the documented example document, applying a document
through the management command, and a snapshot of everything apply may touch."""

import io
import json

from django.core.management import call_command

from providers.models import AttributeMapping, IdentityProvider
from tenants.models import JiraConnection, Tenant


def issue_example() -> dict:
    """The example document of docs/configuration.md."""
    return {
        "tenants": [
            {
                "slug": "acme",
                "name": "Acme Support",
                "jira": {
                    "site_url": "https://acme.atlassian.net",
                    "email": "svc@acme.example",
                    "api_token": {"env": "ACME_JIRA_TOKEN"},
                },
                "identity_providers": [
                    {
                        "slug": "salesforce",
                        "name": "Acme Salesforce",
                        "preset": "salesforce",
                        "domain": "acme.my.salesforce.com",
                        "client_id": "3MVG9...",
                        "client_secret": {"env": "ACME_SF_SECRET"},
                        "scopes": ["openid", "email", "profile"],
                        "email_domains": ["acme.example"],
                        "attribute_mapping": {"email": "email", "first_name": "given_name", "last_name": "family_name"},
                    },
                    {
                        "slug": "corp",
                        "name": "Corp SSO",
                        "preset": "oidc",
                        "discovery_url": "https://idp.example/.well-known/openid-configuration",
                        "client_id": "gw",
                        "client_secret": {"env": "CORP_SECRET"},
                    },
                ],
            }
        ]
    }


def apply(tmp_path, document, *args, name="tenants.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    out = io.StringIO()
    call_command("tenant_config", "apply", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything apply may touch, as plain values (secrets included, to see them change)."""
    return {
        "tenants": list(Tenant.objects.values().order_by("slug")),
        "jira": [
            (j.tenant.slug, j.site_url, j.email, str(j.api_token), j.updated_at) for j in JiraConnection.objects.all()
        ],
        "providers": list(IdentityProvider.objects.values().order_by("slug")),
        "secrets": sorted(str(p.client_secret) for p in IdentityProvider.objects.all()),
        "mappings": list(AttributeMapping.objects.values().order_by("provider__slug")),
    }
