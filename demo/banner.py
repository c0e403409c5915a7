"""The text bin/run prints once everything answers (the same facts as the home page's demo panel)."""

from demo.selectors import DemoOverview


def banner(*, overview: DemoOverview, home_url: str, jira_url: str, broker: str) -> str:
    tenant_name = overview.tenant.name if overview.tenant else "the demo tenant"
    lines = [
        "",
        "=" * 72,
        "JSM SSO Gateway — local demo is running. Ctrl-C stops everything.",
        "",
        f"  Start here:       {home_url}",
        f"  Admin:            {overview.admin_url}",
        f"  Operator login:   {overview.username} / {overview.password}",
        f"  Demo tenant:      {tenant_name} at {overview.tenant_url}",
        f"  Fake Jira site:   {jira_url}",
        f"  Celery broker:    {broker} (worker and beat running)",
        "",
        f"  Substitute links of “{tenant_name}” (send these to customers):",
        *[f"    {name:<16}  {url}" for name, url in overview.links],
        "",
        "  A tenant of your own, started from nothing, can use the demo's Jira site and identity provider:",
        f"    Jira connection:    site URL {jira_url}, classic token",
        f"                        service-account email {overview.jira_email}, API token {overview.jira_token}",
        "    Identity provider:  preset “Generic OpenID Connect (discovery URL)”",
        f"                        discovery URL {overview.idp_discovery_url}",
        f"                        client id {overview.idp_client_id}, client secret {overview.idp_client_secret}",
        "",
        "  What to click:",
        "    1. Open a substitute link; at the demo identity provider pick a customer (no password).",
        "    2. You land on that service desk's portal: raise a request, see it under My requests.",
        "    3. In the admin, the home page's checklist per tenant leads through the seed guide's steps:",
        "       identity provider (Test connection shows every claim), attribute mapping, Jira connection",
        "       (Save and verify lists the desks), first sync (Tenants → Sync service desks now), links handed out.",
        "",
        "  Demo customers:",
        *[f"    {c.name} <{c.email}>: {c.blurb}" for c in overview.customers],
        "=" * 72,
        "",
    ]
    return "\n".join(lines)
