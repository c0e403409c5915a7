"""A SAML provider is chosen, routed to and signed out of exactly like an OpenID Connect one: the account URL,
the choice page, email-domain routing and sign-out; Test connection results only for the tenant's admins."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from providers.models import Customer, IdentityProvider, LoginEvent
from tests.providers.saml import builder
from tests.providers.saml.conftest import Started, start_sign_in

pytestmark = pytest.mark.django_db


def test_the_account_url_leads_to_the_only_provider_a_saml_one(saml_idp):
    client = Client()
    account = client.get("/acme/account/")
    assert account.status_code == 302 and account["Location"].startswith("/acme/saml/corp/start/?next=")
    to_idp = client.get(account["Location"])
    assert to_idp.status_code == 302 and to_idp["Location"].startswith(builder.SSO_URL + "?SAMLRequest=")
    assert not LoginEvent.objects.exists() and settings.SESSION_COOKIE_NAME not in client.cookies  # nothing written


def test_the_choice_page_lists_it_and_an_email_of_its_domains_goes_there(saml_idp, tenant):
    IdentityProvider.objects.create(tenant=tenant, slug="sf", name="Salesforce", preset="salesforce", client_id="x")
    saml_idp.email_domains = "corp.example"
    saml_idp.save()
    client = Client()
    choice = client.get("/acme/login/", {"next": "/acme/account/"})
    assert choice.status_code == 200 and "/acme/login/corp/?next=%2Facme%2Faccount%2F" in choice.content.decode()
    routed = client.get("/acme/login/", {"email": "ada@corp.example", "next": "/acme/account/"})
    assert routed.status_code == 302 and urlsplit(routed["Location"]).path == "/acme/saml/corp/start/"


def test_a_disabled_saml_provider_cannot_be_started(saml_idp):
    saml_idp.is_enabled = False
    saml_idp.save()
    assert Client().get("/acme/saml/corp/start/").status_code == 404


def test_signing_out_ends_the_session_and_offers_no_provider_logout(started, idp_keys):
    assert started.post(builder.good(started.shape, idp_keys)).status_code == 302
    page = started.client.post("/acme/logout/")
    assert page.status_code == 200
    assert started.client.get("/acme/account/").status_code == 302  # signed out


def test_a_test_connection_result_is_shown_only_to_the_tenants_admins(saml_idp, idp_keys, operator_client):
    start = operator_client.get(f"/admin/providers/identityprovider/{saml_idp.pk}/test/")
    assert start.status_code == 302
    request_id = next(name for name in operator_client.cookies if name.startswith("gwsaml_"))[len("gwsaml_") :]
    stranger = Client()
    stranger.cookies[f"gwsaml_{request_id}"] = operator_client.cookies[f"gwsaml_{request_id}"].value
    shape = builder.Shape(request_id=request_id, acs="http://testserver/acme/saml/corp/acs/",
                          audience="http://testserver/acme/saml/corp/metadata/")  # fmt: skip
    page = Started(stranger, request_id, shape, saml_idp.acs_path()).post(builder.good(shape, idp_keys))
    assert page.status_code == 403 and b"ada.lovelace@example.com" not in page.content
    assert LoginEvent.objects.get().reason == "test_forbidden" and not Customer.objects.exists()


def test_the_same_name_id_at_two_providers_is_two_customers(saml_idp, tenant, idp_keys):
    other = IdentityProvider.objects.create(tenant=tenant, slug="other", name="Other", preset="saml",
                                            metadata_xml=saml_idp.metadata_xml)  # fmt: skip
    for provider in (saml_idp, other):
        started = start_sign_in(provider)
        assert started.post(builder.good(started.shape, idp_keys)).status_code == 302
    assert sorted(Customer.objects.values_list("provider__slug", "subject")) == [
        ("corp", "ada.lovelace@example.com"), ("other", "ada.lovelace@example.com")
    ]  # fmt: skip


def test_pointing_the_provider_at_another_idp_ends_its_customers_sessions(started, saml_idp, idp_keys):
    assert started.post(builder.good(started.shape, idp_keys)).status_code == 302
    assert started.client.get("/acme/account/").status_code == 200
    saml_idp.metadata_xml = builder.metadata_xml(idp_keys[1], entity_id="https://other-idp.example/saml")
    saml_idp.save()
    assert started.client.get("/acme/account/").status_code == 302  # signed out: to the sign-in again
