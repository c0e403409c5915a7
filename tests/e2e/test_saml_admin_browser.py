"""A SAML provider added in the admin, in Chromium: the form follows the preset (only SAML's fields and the
preset's help), the ACS URL and SP entity id appear with copy buttons as soon as the slug is typed (before
the first save), the metadata is pasted, and Test connection signs in at samlify (a real SAML IdP) in a new
window and shows the NameID, every attribute and the mapped result. Screenshots go to docs/screenshots/."""

from pathlib import Path

import pytest

from providers.models import IdentityProvider
from tests.e2e import screens
from tests.e2e.conftest import launch
from tests.factories import TenantFactory, UserFactory

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "saml-admin"
PASSWORD = "saml-admin-" + "pw"


def shot(page, name: str) -> None:
    screens.shot(page, name, folder=ARTIFACTS, docs_name=name)


@pytest.fixture
def setup(transactional_db, live_server, settings, saml_idp_factory):
    settings.GATEWAY_BASE_URL = live_server.url
    tenant = TenantFactory(slug="acme", name="Acme Support")
    UserFactory(username="operator", is_staff=True, is_superuser=True, password=PASSWORD)
    # The IdP is started with the SP metadata of the row the admin is about to add (same tenant and slug).
    idp = saml_idp_factory(provider=IdentityProvider(tenant=tenant, slug="contoso", preset="entra_saml"))
    return live_server.url, idp


@pytest.mark.browser
def test_an_admin_adds_a_saml_provider_and_tests_it(setup):
    from playwright.sync_api import sync_playwright

    base, idp = setup
    metadata = idp.metadata()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      permissions=["clipboard-read", "clipboard-write"])  # fmt: skip
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{base}/admin/login/?next=/admin/providers/identityprovider/add/")
        page.fill("#id_username", "operator")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#id_preset")

        page.select_option("#id_tenant", label="Acme Support")
        assert page.is_visible("#id_client_id") and not page.is_visible("#id_metadata_xml")  # Salesforce first
        assert page.get_attribute("#id_client_id", "placeholder") == "3MVG9…"
        assert page.get_attribute("#id_domain", "placeholder") == "acme.my.salesforce.com"
        page.select_option("#id_preset", value="okta")  # the field help names this preset's console only
        assert "Okta admin" in page.inner_text(".field-client_id .help")
        assert "Salesforce" not in page.inner_text(".field-client_id .help")
        assert "acme.okta.com" in page.inner_text(".field-domain .help")
        page.select_option("#id_preset", value="google")  # no domain to ask for: the field goes
        assert not page.is_visible("#id_domain") and page.is_visible("#id_client_id")
        page.select_option("#id_preset", value="oidc")  # generic: the discovery URL instead
        assert page.is_visible("#id_discovery_url") and not page.is_visible("#id_domain")
        assert not page.is_visible(".field-callback_url button.gw-copy")  # no slug yet: no URL to copy
        page.fill("#id_slug", "contoso")
        page.dispatch_event("#id_slug", "input")
        assert page.text_content(".field-callback_url code") == f"{base}/acme/oidc/contoso/callback/"
        page.fill("#id_slug", "")
        page.dispatch_event("#id_slug", "input")
        page.select_option("#id_preset", value="entra_saml")
        assert not page.is_visible("#id_client_id") and page.is_visible("#id_metadata_xml")
        where = page.inner_text(".field-where_to_find")
        assert "Microsoft Entra ID (SAML)" in where and "Salesforce" not in where and "ADFS" not in where
        assert "federationmetadata" in page.get_attribute("#id_metadata_url", "placeholder")
        assert not page.is_visible(".field-acs_url button.gw-copy")  # no slug yet: no URL to copy
        page.fill("#id_name", "Contoso")
        page.press("#id_name", "Tab")  # the admin prepopulates the slug from the name
        assert page.input_value("#id_slug") == "contoso"
        acs = f"{base}/acme/saml/contoso/acs/"
        page.wait_for_selector(".field-acs_url button.gw-copy", state="visible")
        assert page.text_content(".field-acs_url code") == acs
        assert page.text_content(".field-sp_entity_id code") == f"{base}/acme/saml/contoso/metadata/"
        page.click(".field-acs_url button.gw-copy")
        page.wait_for_selector(".field-acs_url button:has-text('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == acs
        page.fill("#id_metadata_xml", metadata)
        shot(page, "admin-saml-provider-add")
        page.click("input[name=_continue]")
        page.wait_for_selector("text=was added successfully")
        assert "1 signing certificate(s)" in page.inner_text(".field-metadata_status")

        with context.expect_page() as opened:
            page.click(".field-test_connection a:has-text('Test connection')")
        window = opened.value
        window.wait_for_selector("input[name=login]")
        window.fill("input[name=login]", "ada")
        window.click("button[type=submit]")
        window.wait_for_selector("text=Test connection: Contoso")
        main = window.inner_text("main")
        assert "Success." in main and "ada.lovelace@example.com" in main
        assert "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname" in main and "customers, vip" in main
        shot(window, "admin-saml-test-connection")
        browser.close()
