"""The admin's journey in Chromium, in the seed guide's order (../shared/reference/, steps 1-4), from
an empty tenant: add an identity provider from a preset, copy the callback URL, test the connection
and see the claims, map attributes, enter the Jira connection, verify, see the service desks and
their links, sync now, see the sync run; then a customer follows one of those links to a created request
in My requests. Against panva's oidc-provider and the fake JSM.

Screenshots go to test-artifacts/; the verify page (substitute links) also to docs/screenshots/ when it is
missing or GATEWAY_UPDATE_SCREENSHOTS=1.
"""

from pathlib import Path

import pytest

from tests.e2e import screens
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "admin-journey"
OPERATOR_PASSWORD = "journey-" + "operator-pw"


@pytest.fixture
def panva_redirect_uris(live_server, settings):
    settings.GATEWAY_BASE_URL = live_server.url
    return [f"{live_server.url}/acme/oidc/panva/callback/"]


@pytest.fixture
def jira_site(fake_jsm):
    """A Jira site with two service desks and a service account that is a Jira administrator."""
    for name, key in [("IT Help", "IT"), ("HR Questions", "HR")]:
        desk = fake_jsm.state.add_service_desk(name=name, key=key)
        fake_jsm.state.add_request_type(desk_id=desk["id"], name="Get help")
    fake_jsm.add_account(email="svc@acme.example", token="generated-" + "in-this-test")
    return fake_jsm


@pytest.fixture
def operator_account(transactional_db):
    """Created before the browser starts: Playwright's sync API runs an event loop, Django's ORM refuses it."""
    return UserFactory(username="operator", is_staff=True, is_superuser=True, password=OPERATOR_PASSWORD)


def shot(page, name: str, *, docs_name: str | None = None) -> Path:
    return screens.shot(page, name, folder=ARTIFACTS, docs_name=docs_name)


def panva_sign_in(page, *, login: str) -> None:
    """panva's dev login form (any password), then its consent form, when it shows them."""
    page.wait_for_load_state()
    if page.locator("input[name=login]").count():
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", "any")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    if page.locator("button:has-text('Continue')").count():
        page.click("button:has-text('Continue')")


@pytest.mark.browser
def test_the_admin_journey_in_the_seed_guides_order(live_server, panva_provider, jira_site, operator_account, browser):
    base = live_server.url
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", OPERATOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    # An empty tenant.
    page.goto(f"{base}/admin/tenants/tenant/add/")
    page.fill("#id_name", "Acme Support")
    page.press("#id_name", "Tab")  # the admin prepopulates the slug from the name
    page.fill("#id_slug", "acme")
    page.click("input[name=_save]")
    page.wait_for_selector("text=was added successfully")

    # Step 1: an identity provider from a preset; the callback URL to paste at the provider.
    page.goto(f"{base}/admin/providers/identityprovider/add/")
    page.select_option("#id_tenant", label="Acme Support")
    page.select_option("#id_preset", value="oidc")
    page.fill("#id_name", "Panva")
    page.press("#id_name", "Tab")
    assert page.input_value("#id_slug") == "panva"
    page.fill("#id_client_id", panva_provider.client_id)
    page.fill("#id_client_secret", panva_provider.client_secret)
    where = page.inner_text(".field-where_to_find")  # the chosen preset's help only, not every provider's
    assert "Generic OpenID Connect" in where and "Salesforce" not in where and "Okta" not in where, where
    page.click("input[name=_continue]")  # forgot the discovery URL: the error says what it is
    assert "issuer followed by /.well-known/openid-configuration" in page.text_content(
        ".field-discovery_url .errorlist"
    )
    page.fill("#id_client_secret", panva_provider.client_secret)  # a secret is never sent back to the browser
    page.fill("#id_discovery_url", panva_provider.discovery_url)
    shot(page, "1-add-identity-provider")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was added successfully")
    callback = f"{base}/acme/oidc/panva/callback/"
    assert page.text_content(".field-callback_url code") == callback
    assert "Redirect URIs" not in page.text_content(".field-callback_url")  # a generic provider: no console named
    page.click(".field-callback_url button.gw-copy")
    page.wait_for_selector(".field-callback_url button:has-text('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == callback
    assert panva_provider.client_secret not in page.content()  # never shown again after saving
    shot(page, "2-callback-url")

    # Step 2: Test connection opens a new window, signs in at panva and shows every claim.
    with context.expect_page() as opened:
        page.click(".field-test_connection a:has-text('Test connection')")
    test_window = opened.value
    panva_sign_in(test_window, login="grace.hopper")
    test_window.wait_for_selector("text=Test connection: Panva")
    assert "Success." in test_window.text_content("main")
    claims = test_window.text_content("main")
    for claim in ["grace.hopper@example.com", "email_verified", "given_name", "Grace Hopper", "iss", "nonce"]:
        assert claim in claims
    shot(test_window, "3-test-connection-claims")
    test_window.close()

    # Step 3: attribute mapping (display name from given_name); the next test shows the mapped result.
    page.reload()
    page.fill("#id_mapping-0-display_name", "given_name")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was changed successfully")
    with context.expect_page() as opened:
        page.click(".field-test_connection a:has-text('Test connection')")
    retest = opened.value
    panva_sign_in(retest, login="grace.hopper")
    retest.wait_for_selector("text=Mapped result")
    mapped = dict(
        zip(retest.locator("table.claims").first.locator("th").all_text_contents(),
            retest.locator("table.claims").first.locator("td").all_text_contents(), strict=True)
    )  # fmt: skip
    assert mapped["display_name"] == "Grace" and mapped["email"] == "grace.hopper@example.com"
    retest.close()

    # Step 4: the Jira connection; "Save and verify" lists every service desk with its substitute link.
    page.goto(f"{base}/admin/tenants/jiraconnection/add/")
    page.select_option("#id_tenant", label="Acme Support")
    page.fill("#id_site_url", jira_site.url)
    page.fill("#id_email", "svc@acme.example")
    page.fill("#id_api_token", "generated-" + "in-this-test")
    page.click("button[name=_verify]")
    page.wait_for_selector("#verified-desks")
    assert "a Jira administrator" in page.text_content(".messagelist")
    rows = page.locator("#verified-desks tbody tr").all_text_contents()
    links = page.locator("#verified-desks code.gw-copy-value").all_text_contents()
    assert any("IT Help" in row for row in rows) and any("HR Questions" in row for row in rows)
    assert sorted(links) == [f"{base}/acme/portal/{desk_id}/" for desk_id in sorted(jira_site.state.service_desks)]
    shot(page, "4-verified-substitute-links", docs_name="admin-substitute-links")

    page.goto(f"{base}/admin/tenants/servicedesk/")
    assert sorted(page.locator("td.field-substitute_link code").all_text_contents()) == sorted(links)

    # Sync now (a third desk appeared in Jira meanwhile), then the sync run with its outcome.
    jira_site.state.add_service_desk(name="Facilities", key="FAC")
    page.goto(f"{base}/admin/tenants/tenant/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", value="sync_now")
    page.click("button[name=index]")
    page.wait_for_selector("text=Sync started for 1 tenant(s)")
    page.click(".messagelist a:has-text('Sync runs')")
    first_run = page.locator("#result_list tbody tr").first
    assert first_run.locator("td.field-trigger").text_content() == "Sync now"
    assert "Succeeded" in first_run.text_content()
    assert first_run.locator("td.field-desks_seen").text_content() == "3"
    shot(page, "5-sync-runs")
    page.goto(f"{base}/admin/tenants/servicedesk/")
    assert page.locator("td.field-substitute_link code").count() == 3
    context.close()

    it_help = next(link for link, row in zip(links, sorted(rows), strict=True) if "IT Help" in row)
    customer_journey(browser, link=it_help, base=base)


def customer_journey(browser, *, link: str, base: str) -> None:
    """A customer (a fresh browser: no admin session) follows the substitute link the admin copied, signs in
    at panva, raises a request on the hosted portal and finds it under My requests."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link)
    panva_sign_in(page, login="grace.hopper")
    page.wait_for_url(link)
    assert page.text_content("h1") == "IT Help"
    # The display name is given_name since step 3: "Grace", never panva's name claim "Grace Hopper".
    assert "Grace" in page.text_content("header nav") and "Grace Hopper" not in page.content()
    page.click("a.tile:has-text('Get help')")
    page.fill("[data-field-id=summary] input", "The printer on floor 2 jams")
    page.fill("[data-field-id=description] textarea", "Since this morning, every second page.")
    shot(page, "6-customer-create-request")
    page.click("button:has-text('Send')")
    page.wait_for_selector("text=The printer on floor 2 jams")
    issue_key = page.url.rstrip("/").rsplit("/", 1)[1]
    assert issue_key.startswith("IT-")

    page.goto(f"{base}/acme/requests/")
    row = page.locator("table.requests tbody tr", has_text="The printer on floor 2 jams")
    assert row.count() == 1 and issue_key in row.text_content()
    shot(page, "7-my-requests")
    context.close()
