"""The customer's journey in a real browser: substitute link → panva's login and consent → the desk,
the account page, sign-out. Chromium drives the gateway (live_server) and panva's oidc-provider."""

import pytest
from django.core.cache import cache

from tests.e2e.conftest import launch
from tests.factories import ServiceDeskFactory, TenantFactory, provider_at


@pytest.fixture
def panva_redirect_uris(live_server, settings):
    settings.GATEWAY_BASE_URL = live_server.url
    return [f"{live_server.url}/acme/oidc/panva/callback/"]


@pytest.mark.browser
def test_a_customer_follows_a_substitute_link_signs_in_at_panva_and_signs_out(
    transactional_db, live_server, panva_provider
):
    cache.clear()
    tenant = TenantFactory(slug="acme", name="Acme Support")
    provider_at(panva_provider, tenant=tenant, slug="panva", name="Panva")
    ServiceDeskFactory(tenant=tenant, jira_id="5", project_name="IT Help")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
        page.goto(f"{live_server.url}/acme/portal/5/")
        page.fill("input[name=login]", "grace@example.com")
        page.fill("input[name=password]", "anything")
        page.click("button[type=submit]")
        page.wait_for_selector("text=Continue")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/acme/portal/5/")
        assert "IT Help" in page.content() and "grace@example.com" in page.content()

        page.goto(f"{live_server.url}/acme/account/")
        assert page.text_content("[data-field=email]") == "grace@example.com"
        page.click("text=Sign out")
        page.wait_for_selector("text=You are signed out")
        after = page.request.get(f"{live_server.url}/acme/account/", max_redirects=0)  # the browser's cookies
        assert after.status == 302 and after.headers["location"].startswith(panva_provider.issuer)  # sign in again
        browser.close()
