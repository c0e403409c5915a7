"""Under the Content-Security-Policy, in Chromium: the portal and the admin work and the browser reports no
violation, while a script injected into the page without the nonce is blocked and reported.

Violations are collected twice: by a `securitypolicyviolation` listener that Playwright installs before any
page script (init scripts are not subject to the page's policy), and from Chromium's console errors.
"""

import pytest

from fakes.jsm.fields import EVERY_FIELD
from tenants.models import ServiceDesk
from tests.factories import TenantFactory, UserFactory, provider_at
from tests.fixtures.jsm import connect

OPERATOR_PASSWORD = "csp-" + "operator-pw"
BRAND = "#0b5cad"
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""


@pytest.fixture
def site(transactional_db, live_server, settings, fake_jsm, oidc_provider):
    """Created before Playwright's event loop starts (Django's ORM refuses to run inside it)."""
    settings.GATEWAY_BASE_URL = live_server.url
    tenant = TenantFactory(slug="acme", name="Acme Support", brand_color=BRAND)
    idp = provider_at(oidc_provider, tenant=tenant, name="Acme SSO")
    connect(tenant, fake_jsm)
    jira = fake_jsm.state.add_service_desk(name="IT Help", key="IT")
    desk = ServiceDesk.objects.create(tenant=tenant, jira_id=jira["id"], project_key="IT", project_name="IT Help")
    fields = [dict(f) for f in EVERY_FIELD if f["fieldId"] in ("summary", "description", "attachment")]
    fake_jsm.state.add_request_type(desk_id=desk.jira_id, name="Report a problem", fields=fields, group="Get help")
    UserFactory(username="operator", is_staff=True, is_superuser=True, password=OPERATOR_PASSWORD)
    return {"base": live_server.url, "desk": desk, "idp": idp}


class Watched:
    """A browser context whose pages report every CSP violation to `violations` (url: what was blocked)."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(**options)
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(LISTEN)
        self.console: list[str] = []
        self.context.on("console", self._console)
        self.page = self.context.new_page()

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def violations(self, page=None) -> list[str]:
        page = page or self.page
        page.wait_for_load_state()
        return [*page.evaluate("window.__csp || []"), *self.console]

    def visit(self, url: str, page=None) -> None:
        """Open `url`; no violation on it (nor before it)."""
        page = page or self.page
        response = page.goto(url)
        assert response.status < 500, url
        assert response.headers.get("content-security-policy"), f"no policy on {url}"
        assert self.violations(page) == [], url


@pytest.mark.browser
def test_portal_pages_work_under_the_policy_with_no_violation(site, browser, tmp_path):
    base = site["base"]
    customer = Watched(browser)
    page = customer.page
    desk_url = f"{base}/acme/portal/{site['desk'].jira_id}/"
    customer.visit(desk_url)  # signs in at the test provider and comes back
    page.wait_for_url(desk_url)
    assert customer.violations() == []
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
    assert accent == BRAND  # the tenant's colour: its <style> ran with the nonce

    customer.visit(f"{base}/acme/")
    page.click("a.tile:has-text('IT Help')")
    page.click("a.tile:has-text('Report a problem')")
    page.fill("#id_summary", "Printer on fire")
    note = tmp_path / "note.txt"
    note.write_text("smoke")
    page.set_input_files("#id_attachment", str(note))
    page.click("button:has-text('Send')")
    page.wait_for_selector("text=was sent to IT Help")
    assert customer.violations() == []
    for path in ("/acme/requests/", "/acme/account/", "/acme/portal/no-such-desk/"):
        customer.visit(base + path)

    # The control: a script the page did not vouch for is blocked, and the listener sees it.
    page.evaluate("""() => {
        const injected = document.createElement("script");
        injected.textContent = "window.__injected = true";
        document.body.appendChild(injected);
    }""")
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src" in violation for violation in customer.violations())


@pytest.mark.browser
def test_admin_pages_work_under_the_policy_with_no_violation(site, browser):
    base = site["base"]
    admin = Watched(browser, permissions=["clipboard-read", "clipboard-write"])
    page = admin.page
    admin.visit(f"{base}/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", OPERATOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    assert admin.violations() == []

    provider_page = f"{base}/admin/providers/identityprovider/{site['idp'].pk}/change/"
    admin.visit(provider_page)
    page.click(".field-callback_url button.gw-copy")  # copy.js, a static script
    page.wait_for_selector(".field-callback_url button:has-text('Copied')")
    with admin.context.expect_page() as opened:
        page.click(".field-test_connection a:has-text('Test connection')")
    test_window = opened.value
    test_window.wait_for_selector("text=Test connection: Acme SSO")
    assert admin.violations(test_window) == []

    for path in (
        "/admin/",
        "/admin/providers/identityprovider/add/",
        "/admin/providers/identityprovider/",
        "/admin/tenants/tenant/",
        f"/admin/tenants/tenant/{site['desk'].tenant_id}/change/",
        "/admin/tenants/jiraconnection/",
        "/admin/tenants/servicedesk/",
    ):
        admin.visit(base + path)
    page.select_option("select[name=action]", index=1)  # the actions bar (admin JavaScript) still works
    assert page.locator("select[name=action]").input_value() != ""

    # django-celery-beat's periodic task form: its inline script runs with the nonce (it hides this row).
    admin.visit(f"{base}/admin/django_celery_beat/periodictask/add/")
    assert page.locator(".field-crontab_translation").is_hidden()
    assert admin.violations() == []
