"""Native mode in Chromium: JSM's sign-in (here the Atlassian-shaped node-saml SP) sends the browser to the
gateway's SAML IdP, the customer signs in at panva's oidc-provider, and the gateway's auto-submitting form
posts a signed assertion that the SP accepts. Then the admin's page: the three values to paste into
Atlassian, and Test, which runs the same path against the built-in test SP.

Screenshots go to test-artifacts/native/, and to docs/screenshots/ when missing or GATEWAY_UPDATE_SCREENSHOTS=1.
"""

import json
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache

from tenants.models import AtlassianSaml
from tests.e2e.conftest import launch
from tests.factories import TenantFactory, UserFactory, provider_at

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "native"
OPERATOR_PASSWORD = "native-" + "operator-pw"
RELAY = 'https://acme.atlassian.net/servicedesk/customer/portal/5?x=<b>&y="1"'


@pytest.fixture
def panva_redirect_uris(live_server, settings):
    settings.GATEWAY_BASE_URL = live_server.url
    return [f"{live_server.url}/acme/oidc/panva/callback/"]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    docs = REPO / "docs" / "screenshots" / f"{name}.png"
    if not docs.exists() or os.environ.get("GATEWAY_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, docs)


def panva_sign_in(page, *, login: str) -> None:
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.wait_for_selector("button:has-text('Continue')")
    page.click("button:has-text('Continue')")


@pytest.mark.browser
def test_a_customer_signs_in_to_atlassian_through_the_gateway_and_the_admin_tests_it(
    transactional_db, live_server, panva_provider, atlassian_sp_factory
):
    cache.clear()
    tenant = TenantFactory(slug="acme", name="Acme Support")
    provider_at(panva_provider, tenant=tenant, slug="panva", name="Panva")
    sp = atlassian_sp_factory(tenant=tenant)
    config_pk = AtlassianSaml.objects.get(tenant=tenant).pk
    UserFactory(username="operator", is_staff=True, is_superuser=True, password=OPERATOR_PASSWORD)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context().new_page()
        page.set_default_timeout(15_000)

        # The customer: Atlassian's sign-in → the gateway → panva → the gateway's form → Atlassian's ACS.
        page.goto(f"{sp.login_url}?relay={quote(RELAY)}")
        panva_sign_in(page, login="ada.lovelace")
        page.wait_for_url(f"{sp.origin}/login/callback**")
        result = json.loads(page.text_content("body"))
        assert result["ok"], result
        assert result["profile"]["nameID"] == "ada.lovelace@example.com" and result["relayState"] == RELAY

        # The admin: log in, open the tenant's native-mode page, see the values, run Test.
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", "operator")
        page.fill("input[name=password]", OPERATOR_PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/tenants/atlassiansaml/{config_pk}/change/")
        assert page.get_attribute(".field-idp_sso_url .gw-copy", "data-copy") == f"{live_server.url}/acme/idp/saml/sso/"
        assert "BEGIN CERTIFICATE" in page.text_content(".field-idp_certificate")
        assert page.input_value("input[name=acs_url]") == sp.acs_url
        shot(page, "native-admin-atlassian-values")

        with page.expect_popup() as popup:
            page.click("a:has-text('Test')")
        test_page = popup.value
        test_page.wait_for_selector("text=The assertion is what Atlassian expects")  # the session is reused
        assert test_page.text_content("[data-field=name_id]") == "ada.lovelace@example.com"
        assert "✘" not in test_page.text_content("ul.checks")
        shot(test_page, "native-admin-test-result")
        browser.close()
