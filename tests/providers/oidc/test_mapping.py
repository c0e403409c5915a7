"""Whether a provider vouches for the email it asserts (what may create or claim a Jira account)."""

import pytest

from providers.oidc.mapping import email_vouched_for
from tests.factories import IdentityProviderFactory

EMAIL = "ann@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claims", "email_domains", "vouched"),
    [
        ({"email_verified": True}, "", True),
        ({"email_verified": "true"}, "", True),
        ({"email_verified": False}, "", False),
        ({"email_verified": False}, "example.com", False),  # a provider's own "no" wins over its domain
        ({"email_verified": "maybe"}, "example.com", False),
        ({}, "example.com", True),  # Entra ID, ADFS: no claim, but the directory of that domain
        ({}, "sub.example.com other.example", False),  # subdomains and other domains do not count
        ({}, "", False),
    ],
)
def test_email_vouched_for(claims, email_domains, vouched):
    provider = IdentityProviderFactory(email_domains=email_domains)
    assert email_vouched_for(claims, provider=provider, email=EMAIL) is vouched
