"""The customer's pages: account, a service desk's substitute link, sign-out, and tenant isolation."""

import pytest
from django.test import Client

from providers import sessions
from tests.factories import CustomerFactory, IdentityProviderFactory, ServiceDeskFactory
from tests.helpers import signed_in
from tests.helpers.signin import sign_in_started

pytestmark = pytest.mark.django_db


def test_the_account_page_needs_sign_in_and_keeps_the_way_back(customer):
    response = Client().get("/acme/account/")
    tx = sign_in_started(response)
    assert (tx.provider_id, tx.next_path) == (customer.provider_id, "/acme/account/")


def test_the_account_page_shows_who_is_signed_in_and_a_sign_out_button(customer):
    html = signed_in(customer).get("/acme/account/").content.decode()
    for text in ["grace@example.com", "Grace", "Hopper", "Grace Hopper", "Acme SSO", "support, vip"]:
        assert text in html
    assert 'action="/acme/logout/"' in html and 'method="post"' in html


def test_a_session_at_one_tenant_means_nothing_at_another(customer, other_tenant):
    client = signed_in(customer)
    IdentityProviderFactory(tenant=other_tenant, slug="globex-sso")
    assert client.get("/acme/account/").status_code == 200
    response = client.get("/globex/account/")
    assert sign_in_started(response).tenant_id == other_tenant.pk


def test_a_session_entry_forged_for_another_customer_is_ignored(customer, tenant):
    other = CustomerFactory(provider=customer.provider, email="mallory@example.com")
    client = signed_in(customer)
    session = client.session
    session[f"gw.customer.{tenant.pk}"] = {"id": other.pk, "hash": session[f"gw.customer.{tenant.pk}"]["hash"]}
    session.save()
    assert client.get("/acme/account/").status_code == 302


def test_disabling_the_provider_or_changing_its_client_ends_the_session(customer):
    client = signed_in(customer)
    provider = customer.provider
    provider.client_id = "re-registered"
    provider.save()
    assert client.get("/acme/account/").status_code == 302
    customer.refresh_from_db()
    client = signed_in(customer)
    provider.is_enabled = False
    provider.save()
    response = client.get("/acme/account/")  # signed out, and the tenant has no provider left to sign in at
    assert response.status_code == 404 and b"Sign-in is not set up yet" in response.content


def test_sign_out_ends_the_session_and_needs_post(customer):
    client = signed_in(customer)
    assert client.get("/acme/logout/").status_code == 405
    response = client.post("/acme/logout/")
    assert response.status_code == 200 and b"You are signed out" in response.content
    assert client.get("/acme/account/").status_code == 302


def test_sign_out_is_csrf_protected(customer):
    client = signed_in(customer, Client(enforce_csrf_checks=True))
    assert client.post("/acme/logout/").status_code == 403
    assert client.get("/acme/account/").status_code == 200


def test_sign_out_at_one_tenant_keeps_the_other(customer, other_tenant):
    there = CustomerFactory(provider=IdentityProviderFactory(tenant=other_tenant, slug="g"))
    client = signed_in(there, signed_in(customer))
    client.post("/acme/logout/")
    assert client.get("/acme/account/").status_code == 302
    assert client.get("/globex/account/").status_code == 200


def test_sign_out_offers_rp_initiated_logout_when_the_provider_has_one(tenant, oidc_provider):
    provider = IdentityProviderFactory(
        tenant=tenant, slug="fake", name="Fake IdP", discovery_url=oidc_provider.discovery_url,
        client_id=oidc_provider.client_id,
    )  # fmt: skip
    client = signed_in(CustomerFactory(provider=provider))
    html = client.post("/acme/logout/").content.decode()
    assert f'href="{oidc_provider.url("logout")}?client_id={oidc_provider.client_id}"' in html
    assert "Sign out of Fake IdP" in html


def test_the_session_key_changes_at_sign_in(customer, rf):
    client = Client()
    session = client.session
    session["marker"] = 1
    session.save()
    before = session.session_key
    request = rf.get("/")
    request.session = client.session
    sessions.customer_login(request, customer=customer)
    assert request.session.session_key != before


def test_an_unknown_desk_is_404_and_an_inactive_desk_410(customer, tenant):
    ServiceDeskFactory(tenant=tenant, jira_id="7", is_active=False)
    for client in (Client(), signed_in(customer)):
        missing = client.get("/acme/portal/99/")
        gone = client.get("/acme/portal/7/")
        assert missing.status_code == 404 and b"could not find this service desk" in missing.content  # it never was
        assert gone.status_code == 410 and b"no longer available" in gone.content


def test_a_desk_link_sends_an_anonymous_visitor_to_sign_in_keeping_its_provider(customer, tenant):
    ServiceDeskFactory(tenant=tenant, jira_id="3")
    response = Client().get("/acme/portal/3/", {"idp": "sso"})
    assert response["Location"].startswith("https://idp.example/authorize?")
    tx = sign_in_started(response)
    assert (tx.provider_id, tx.next_path) == (customer.provider_id, "/acme/portal/3/")


def test_with_several_providers_a_desk_link_names_one_or_leads_to_the_choice(customer, tenant):
    ServiceDeskFactory(tenant=tenant, jira_id="3")
    partners = IdentityProviderFactory(tenant=tenant, slug="partners")
    named = Client().get("/acme/portal/3/", {"idp": "partners"})
    assert sign_in_started(named).provider_id == partners.pk
    unnamed = Client().get("/acme/portal/3/", {"idp": "nobody"})
    assert unnamed.status_code == 302 and unnamed.cookies == {}
    assert unnamed["Location"] == "/acme/login/?next=%2Facme%2Fportal%2F3%2F&idp=nobody"
    assert b"Sign in with" in Client().get(unnamed["Location"]).content


def test_a_desk_link_while_the_provider_is_down_is_a_clear_page(customer, tenant, settings):
    ServiceDeskFactory(tenant=tenant, jira_id="3")
    settings.GATEWAY_OIDC_METADATA_TTL = 0
    provider = customer.provider
    provider.discovery_url = "http://127.0.0.1:9/.well-known/openid-configuration"
    provider.save()
    response = Client().get("/acme/portal/3/")
    assert response.status_code == 503 and response.cookies == {}
    assert b"Your identity provider is not answering" in response.content and b"reference" in response.content


def test_a_signed_in_customer_sees_the_desk_named_and_themselves(customer, tenant):
    ServiceDeskFactory(tenant=tenant, jira_id="3", project_name="IT Help")
    html = signed_in(customer).get("/acme/portal/3/").content.decode()
    assert "IT Help" in html and "Grace Hopper" in html and "grace@example.com" in html


def test_an_inactive_tenant_answers_a_404_page_even_to_a_signed_in_customer(customer, tenant):
    client = signed_in(customer)
    tenant.is_active = False
    tenant.save()
    response = client.get("/acme/account/")
    assert response.status_code == 404 and b"not available" in response.content


def test_a_session_key_the_store_never_issued_is_not_kept_at_sign_in(customer, rf, settings):
    """Session fixation with a made-up key: the customer ends up under a key the gateway chose."""
    from importlib import import_module

    planted = "plantedbyanattacker0123456789abc"
    request = rf.get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=planted)
    sessions.customer_login(request, customer=customer)
    request.session.save()
    assert request.session.session_key not in (None, planted)
    assert sessions.customer_get(request, tenant=customer.tenant) == customer


def test_a_jira_token_no_encryption_key_reads_is_a_503_page_not_a_500(customer, desk, settings):
    """An operator removed the key the Jira token was encrypted with: the customer gets the product's page with a
    reference, the operator the reason in the error log."""
    from cryptography.fernet import Fernet

    from tenants.models import ErrorEvent

    client = signed_in(customer)
    settings.GATEWAY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    page = client.get(desk.get_absolute_url())
    assert page.status_code == 503 and b'class="reference"' in page.content
    assert ErrorEvent.objects.filter(reason="secret_unreadable").exists()
