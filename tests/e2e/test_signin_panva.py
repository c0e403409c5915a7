"""End to end against panva's certified oidc-provider: login and consent forms,
then the account page shows the mapped email and names."""

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from fakes.panva.driver import panva_sign_in
from providers.models import Customer, LoginEvent
from tests.factories import provider_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def panva_idp(tenant, panva_provider):
    return provider_at(panva_provider, tenant=tenant, slug="panva", name="Panva")


def test_a_customer_signs_in_through_panva_and_sees_their_account(panva_idp, panva_provider):
    client = Client()
    start = client.get(panva_idp.login_path(), {"next": "/acme/account/"})
    assert start.status_code == 302 and start["Location"].startswith(panva_provider.issuer)

    callback = panva_sign_in(requests.Session(), start["Location"], login="ada.lovelace")
    parts = urlsplit(callback)
    assert parts.path == "/acme/oidc/panva/callback/", panva_provider.log()
    done = client.get(f"{parts.path}?{parts.query}")
    assert done.status_code == 302 and done["Location"] == "/acme/account/", done.content[:2000]

    html = client.get("/acme/account/").content.decode()
    assert 'data-field="email">ada.lovelace@example.com<' in html
    assert 'data-field="first_name">Ada<' in html and 'data-field="last_name">Lovelace<' in html
    customer = Customer.objects.get()
    assert customer.provider == panva_idp and customer.subject
    assert LoginEvent.objects.get().outcome == "success"
