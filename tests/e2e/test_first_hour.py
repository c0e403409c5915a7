"""Issue 17's acceptance: a newcomer's first hour, in Chromium, on a fresh `bin/run` (its own var/ directory).

The customer's journey on a 390 px phone (substitute link, demo identity provider, a request raised, My
requests, sign-out in the header, an unknown address); then the admin's: the home page's checklist, a
reference from an error page found in the admin, and a second tenant from nothing to a synced desk against
the demo's Jira site and identity provider (with the credentials bin/run printed), until its checklist is
done. axe-core finds no serious or critical violation on any of these pages; lists fit 1280 px.

Screenshots go to test-artifacts/first-hour/; the README's ones to docs/screenshots/ when missing or
GATEWAY_UPDATE_SCREENSHOTS=1.
"""

import re
import time
from pathlib import Path

import pytest

from tests.e2e import axe, screens
from tests.e2e.test_run_command import _ctrl_c, _rest_of_output, _wait_for_links, run_command  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "first-hour"
DOCS = {"phone-my-requests", "phone-request-page", "phone-create-form", "error-page", "admin-home-checklist",
        "admin-home-empty-tenant"}  # fmt: skip


def shot(page, name: str) -> None:
    screens.shot(page, name, folder=ARTIFACTS, docs_name=name if name in DOCS else None)


def checked(page, where: str, *, width: int | None = None) -> None:
    """No serious or critical axe violation, and (on a phone) nothing wider than the screen."""
    axe.assert_accessible(page, where)
    if width:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{where} scrolls sideways"


def list_fits(page, where: str) -> None:
    sizes = page.evaluate("(() => { const r = document.querySelector('#changelist .results'); "
                          "return r ? [r.scrollWidth, r.clientWidth] : [0, 0] })()")  # fmt: skip
    assert sizes[0] <= sizes[1], f"the {where} list is wider than its column at 1280 px: {sizes}"


def printed(output: str, pattern: str) -> tuple[str, ...]:
    found = re.search(pattern, output)
    assert found, f"bin/run did not print {pattern!r}:\n{output[-2500:]}"
    return found.groups()


def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    context.set_default_timeout(20_000)
    axe.install(context)
    return context


def pick_at_demo_idp(page, who: str) -> None:
    page.wait_for_selector(f"button[data-customer={who}]")
    checked(page, "the demo identity provider's picker")
    page.click(f"button[data-customer={who}]")


@pytest.mark.browser
def test_a_newcomers_first_hour(run_command, browser):  # noqa: F811 (the fixture imported above)
    process = run_command()
    links, output = _wait_for_links(process)
    time.sleep(1)
    output += _rest_of_output(process)
    base = f"http://127.0.0.1:{process.port}"
    (password,) = printed(output, r"Operator login:   admin / (\S+)")
    (site,) = printed(output, r"Jira connection: +site URL (\S+), classic token")
    email, token = printed(output, r"service-account email (\S+), API token (\S+)")
    (discovery,) = printed(output, r"discovery URL (\S+)")
    client_id, secret = printed(output, r"client id (\S+), client secret (\S+)")

    reference = customer_on_a_phone(browser, base=base, link=links["IT Help"])
    admin = browser.new_context(viewport={"width": 1280, "height": 900})
    admin.set_default_timeout(20_000)
    axe.install(admin)
    page = admin.new_page()
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#setup-demo")
    checked(page, "the admin's home")
    assert page.locator("#system").count() == 1

    # The reference the customer read out is found from the home page.
    page.fill("#gw-reference", reference)
    page.click(".gw-find input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tenants/errorevent/\d+/change/"))
    assert reference in page.text_content("#content") and "/demo/no-such-page/" in page.text_content("#content")
    checked(page, "an error log entry")

    second_tenant_from_nothing(page, admin, base=base, site=site, email=email, token=token,
                               discovery=discovery, client_id=client_id, secret=secret)  # fmt: skip
    for model in ["tenants/syncrun", "tenants/servicedesk", "tenants/errorevent", "providers/loginevent",
                  "tenants/jiraconnection", "providers/customer", "tenants/jiraaccountgrant"]:  # fmt: skip
        page.goto(f"{base}/admin/{model}/")
        list_fits(page, model)
        checked(page, f"the {model} list")
    # The only unknown address of the whole hour is the one the customer typed (no favicon, no stray asset).
    page.goto(f"{base}/admin/tenants/errorevent/?status__exact=404")
    assert page.locator("#result_list td.field-short_path").all_text_contents() == ["/demo/no-such-page/"]
    admin.close()
    _ctrl_c(process)


def customer_on_a_phone(browser, *, base: str, link: str) -> str:
    """Ada raises a request from a phone, finds it, signs out; an unknown address shows a reference."""
    context = phone(browser)
    page = context.new_page()
    page.goto(link)
    pick_at_demo_idp(page, "ada")
    page.wait_for_url(link)
    checked(page, "a desk's portal page", width=390)
    # Focus order: the skip link first, then the header (name, Help center, My requests, account, Sign out).
    focused = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert focused == ["Skip to content", "Demo Company", "Help center", "My requests", "Ada Lovelace", "Sign out"]
    page.click("a.tile:has-text('New laptop')")
    page.click("button:has-text('Send')")
    page.wait_for_selector(".error-summary")
    checked(page, "the create form with errors", width=390)
    shot(page, "phone-create-form")
    page.fill("#id_summary", "Sent from my phone")
    page.select_option("#id_customfield_10052", label="Lisbon")
    page.click("button:has-text('Send')")
    page.wait_for_selector("text=was sent to IT Help")
    checked(page, "a request's page", width=390)
    shot(page, "phone-request-page")
    page.click("header nav >> text=My requests")
    page.wait_for_selector("table.requests")
    assert "Sent from my phone" in page.text_content("table.requests")
    checked(page, "My requests", width=390)
    shot(page, "phone-my-requests")
    for path, where in [("/demo/", "the help center"), ("/demo/account/", "the account page")]:
        page.goto(base + path)
        checked(page, where, width=390)
    page.click("header button:has-text('Sign out')")
    page.wait_for_selector("text=You are signed out")
    checked(page, "the signed-out page", width=390)

    missing = page.goto(f"{base}/demo/no-such-page/")
    assert missing.status == 404 and "We could not find this page" in page.text_content("main")
    checked(page, "the error page", width=390)
    shot(page, "error-page")
    reference = page.text_content(".reference")
    page.goto(f"{base}/")
    assert "A tenant of your own" in page.text_content("main")
    checked(page, "the gateway's home page with the demo panel", width=390)
    favicon = page.request.get(f"{base}/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"] == "image/x-icon"
    context.close()
    return reference


def steps_done(page, slug: str) -> str:
    return page.text_content(f"#setup-{slug} .gw-count")


def second_tenant_from_nothing(page, context, *, base, site, email, token, discovery, client_id, secret) -> None:
    """README "start from nothing": a tenant, then its checklist step by step against the demo's own parts."""
    page.goto(f"{base}/admin/tenants/tenant/add/")
    checked(page, "the add-tenant form")
    page.fill("#id_name", "Second Co")
    page.press("#id_name", "Tab")  # the admin prepopulates the slug from the name
    page.fill("#id_slug", "second")
    page.click("input[name=_save]")
    page.wait_for_selector("text=was added successfully")
    page.goto(f"{base}/admin/")
    assert "0 of 6 steps done; next: Identity provider" in steps_done(page, "second")
    shot(page, "admin-home-empty-tenant")

    # Identity provider: the demo's, as a generic OpenID Connect provider; its callback is accepted there.
    page.click("#setup-second a:has-text('Add an identity provider')")
    page.select_option("#id_preset", value="oidc")
    page.fill("#id_name", "Second SSO")
    page.press("#id_name", "Tab")
    page.fill("#id_slug", "sso")
    page.fill("#id_client_id", client_id)
    page.fill("#id_client_secret", secret)
    page.fill("#id_discovery_url", discovery)
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was added successfully")
    assert page.input_value("#id_tenant") and "Second Co" in page.text_content("#id_tenant option:checked")
    checked(page, "the identity provider's page")

    # Test connection, in a new window: every claim, readable.
    with context.expect_page() as opened:
        page.click(".field-test_connection a:has-text('Test connection')")
    test = opened.value
    pick_at_demo_idp(test, "grace")
    test.wait_for_selector("text=Test connection: Second SSO")
    assert "Success." in test.text_content("main") and "yes (true)" in test.text_content("main")
    assert " UTC (" in test.text_content("main")  # exp and iat as dates
    checked(test, "the test connection page")
    test.close()

    page.goto(f"{base}/admin/")
    assert "3 of 6 steps done; next: Jira connection" in steps_done(page, "second")
    page.click("#setup-second a:has-text('Add the Jira connection')")
    checked(page, "the Jira connection form")
    page.fill("#id_site_url", site)
    page.fill("#id_email", email)
    page.fill("#id_api_token", token)
    page.click("button[name=_verify]")
    page.wait_for_selector("#verified-desks")
    links = page.locator("#verified-desks code.gw-copy-value").all_text_contents()
    assert f"{base}/second/portal/1/" in links
    checked(page, "the verified Jira connection")

    page.goto(f"{base}/admin/")
    assert "5 of 6 steps done; next: Links handed out" in steps_done(page, "second")
    customer = phone(context.browser)
    portal = customer.new_page()
    portal.goto(f"{base}/second/portal/1/")
    pick_at_demo_idp(portal, "linus")
    portal.wait_for_url(f"{base}/second/portal/1/")
    assert "Second Co" in portal.text_content("header")
    customer.close()

    page.goto(f"{base}/admin/")
    assert "6 of 6 steps done: customers can sign in" in steps_done(page, "second")
    checked(page, "the admin's home, set up")
    shot(page, "admin-home-checklist")
    page.goto(f"{base}/admin/tenants/syncrun/")
    assert "Save and verify" in page.text_content("#result_list")
