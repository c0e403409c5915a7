"""Salesforce as an OpenID Provider.

The domain is `login.salesforce.com`, `test.salesforce.com` (sandboxes) or a My Domain host;
the issuer is whatever that host's discovery document says, and `sub` is the identity URL
(https://login.salesforce.com/id/<orgId>/<userId>).
"""

from providers.presets.base import Preset

PRESET = Preset(
    key="salesforce",
    label="Salesforce",
    domain_label="Salesforce domain",
    default_domain="login.salesforce.com",
    domain_help="login.salesforce.com, test.salesforce.com for a sandbox, or your My Domain host "
    "(Setup → My Domain, e.g. acme.my.salesforce.com).",
    client_help="Setup → App Manager → your connected app → View → Consumer Key and Secret.",
    register_help="Salesforce: Setup → App Manager → your connected app → Edit → Callback URL.",
    domain_placeholder="acme.my.salesforce.com",
    client_placeholder="3MVG9…",
)
