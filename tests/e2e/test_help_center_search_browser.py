"""Issue 16 item 4 in Chromium: on the help center a customer types in "What can we help you with?" and finds
a request type (by its name) and a knowledge-base article (linking to it in JSM's portal), and follows the
request type to its form. Screenshot: docs/screenshots/help-center-search.png (test-artifacts/search/ too)."""

from pathlib import Path

import pytest

from tenants.models import ServiceDesk
from tests.e2e import axe, screens
from tests.factories import TenantFactory, provider_at
from tests.fixtures.jsm import connect

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "search"


@pytest.fixture
def help_center(transactional_db, live_server, settings, fake_jsm, oidc_provider):
    """Everything the ORM must create before Playwright's event loop starts (Django refuses it after)."""
    settings.GATEWAY_BASE_URL = live_server.url
    tenant = TenantFactory(slug="acme", name="Acme Support", brand_color="#0b5cad")
    provider_at(oidc_provider, tenant=tenant, name="Acme SSO")
    connect(tenant, fake_jsm)
    state = fake_jsm.state
    jira = state.add_service_desk(name="IT Help", key="IT")
    desk = ServiceDesk.objects.create(tenant=tenant, jira_id=jira["id"], project_key="IT", project_name="IT Help")
    state.add_request_type(desk_id=desk.jira_id, name="Password reset", group="Accounts", icon="#0b5cad")
    state.add_request_type(desk_id=desk.jira_id, name="Request hardware", group="Hardware")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return {"base": live_server.url, "desk": desk, "fake": fake_jsm, "idp": oidc_provider}


@pytest.mark.browser
def test_a_customer_searches_the_help_center_and_finds_a_request_type_and_an_article(help_center, browser):
    base, fake, idp, desk = help_center["base"], help_center["fake"], help_center["idp"], help_center["desk"]
    idp.user.update(email="grace@example.com", given_name="Grace", family_name="Hopper", name="Grace Hopper")
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.set_default_timeout(15_000)
    axe.install(context)
    page = context.new_page()

    page.goto(f"{base}/acme/portal/{desk.jira_id}/")  # signs in at the IdP and comes back
    page.wait_for_url(f"{base}/acme/portal/{desk.jira_id}/")
    page.goto(f"{base}/acme/")
    box = page.get_by_label("What can we help you with?")
    box.fill("password")
    box.press("Enter")
    page.wait_for_url(f"{base}/acme/search/?q=password")

    assert page.text_content("h1") == "Results for “password”"
    assert page.locator("#found-types ~ ul a.tile strong").all_text_contents() == ["Password reset"]
    article = next(a for a in fake.state.knowledge_base if a["title"] == "Reset your password")
    link = page.locator("section[aria-labelledby=found-articles] a")
    assert link.all_text_contents() == ["Reset your password"]
    assert (
        link.get_attribute("href")
        == f"{fake.url}/servicedesk/customer/portal/{desk.jira_id}/article/{article['pageId']}"
    )
    icon = page.locator("a.tile img.icon")
    assert icon.count() == 1 and icon.evaluate("img => img.naturalWidth") == 48  # the type's own icon
    assert page.locator(".article mark").first.text_content().lower() == "password"
    assert page.input_value("#help-search-q") == "password"
    axe.assert_accessible(page, "help center search")
    screens.shot(page, "help-center-search", folder=ARTIFACTS, docs_name="help-center-search", docs_always=True)

    page.click("a.tile:has-text('Password reset')")
    page.wait_for_selector("#id_summary")
    assert "/create/" in page.url
    context.close()
