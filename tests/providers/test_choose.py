"""Choosing the provider: one → straight there, several → a page, email domains, ?idp=.

"Straight there" means the sign-in starts in the same request: the answer is the redirect to the
provider's /authorize with the transaction cookie, not a hop through /login/<provider>/.
"""

import pytest
from django.test import Client

from tests.factories import IdentityProviderFactory
from tests.helpers.signin import sign_in_started

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factory_idp_discovered")]


@pytest.fixture
def two(tenant):
    return (
        IdentityProviderFactory(tenant=tenant, slug="staff", name="Staff SSO", email_domains="acme.com, @acme.org"),
        IdentityProviderFactory(tenant=tenant, slug="partners", name="Partner login", email_domains="partner.example"),
    )


def test_one_enabled_provider_is_used_straight_away(tenant):
    idp = IdentityProviderFactory(tenant=tenant, slug="only")
    IdentityProviderFactory(tenant=tenant, slug="off", is_enabled=False)
    response = Client().get("/acme/login/", {"next": "/acme/portal/1/"})
    assert response["Location"].startswith("https://idp.example/authorize?")
    tx = sign_in_started(response)
    assert (tx.provider_id, tx.next_path) == (idp.pk, "/acme/portal/1/")


def test_several_providers_get_a_choice_page_carrying_next(two):
    response = Client().get("/acme/login/", {"next": "/acme/account/"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in with Staff SSO" in html and "Sign in with Partner login" in html
    assert "/acme/login/staff/?next=%2Facme%2Faccount%2F" in html
    assert 'name="email"' in html


@pytest.mark.parametrize(
    "email, slug", [("ada@acme.com", "staff"), ("Bob@ACME.org", "staff"), ("eve@partner.example", "partners")]
)
def test_a_typed_email_goes_to_the_provider_of_its_domain(two, email, slug):
    response = Client().get("/acme/login/", {"email": email, "next": "/acme/account/"})
    tx = sign_in_started(response)
    assert (tx.provider_id, tx.next_path) == (next(p.pk for p in two if p.slug == slug), "/acme/account/")


def test_an_email_of_no_known_domain_shows_the_choices_with_a_message(two):
    response = Client().get("/acme/login/", {"email": "someone@sub.acme.com"})
    assert response.status_code == 200 and b"No sign-in option is set up for that email" in response.content


def test_a_link_may_name_its_provider(two):
    response = Client().get("/acme/login/", {"idp": "partners"})
    assert sign_in_started(response).provider_id == two[1].pk
    assert Client().get("/acme/login/", {"idp": "unknown"}).status_code == 200


def test_next_to_another_tenant_or_host_is_replaced_by_the_home(tenant):
    IdentityProviderFactory(tenant=tenant, slug="only")
    for bad in ["/globex/account/", "https://evil.example/", "//evil.example/acme/"]:
        response = Client().get("/acme/login/", {"next": bad})
        assert sign_in_started(response).next_path == "/acme/"


def test_a_tenant_without_providers_says_sign_in_is_not_set_up(tenant):
    response = Client().get("/acme/login/")
    assert response.status_code == 404 and b"Sign-in is not set up yet" in response.content


def test_an_unknown_tenant_is_a_404_page_in_the_portal_look(db):
    response = Client().get("/nobody/login/")
    assert response.status_code == 404 and b"help center is not available" in response.content


def test_a_fresh_sign_in_asked_for_is_carried_through_the_choice_to_the_provider(two):
    """Native mode's ForceAuthn: `reauth=1` survives the choice page (links and the email form) and reaches the
    provider as `prompt=login`; an ordinary sign-in asks for no such thing."""
    html = Client().get("/acme/login/", {"next": "/acme/account/", "reauth": "1"}).content.decode()
    assert "/acme/login/staff/?next=%2Facme%2Faccount%2F&amp;reauth=1" in html
    assert '<input type="hidden" name="reauth" value="1">' in html
    by_email = Client().get("/acme/login/", {"next": "/acme/account/", "reauth": "1", "email": "ada@acme.com"})
    assert "prompt=login" in by_email["Location"]
    ordinary = Client().get("/acme/login/staff/", {"next": "/acme/account/"})
    assert "prompt=" not in ordinary["Location"]
