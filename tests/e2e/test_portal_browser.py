"""Issue 5's acceptance in Chromium, against the fake JSM and the Python test identity provider: a customer
follows a substitute link, signs in, sees the request types, submits a request with a required select
field and an attachment (after a validation error), finds it in My requests, opens it and adds a comment;
an internal comment added in the fake never shows; a second customer gets a 404 for the first one's request.

Screenshots (help center, portal page, create form with a validation error, request page) go to
test-artifacts/portal/; they are copied to docs/screenshots/ when missing or GATEWAY_UPDATE_SCREENSHOTS=1.
"""

from pathlib import Path

import pytest

from fakes.jsm.fields import EVERY_FIELD
from tenants.models import ServiceDesk
from tests.e2e import screens
from tests.factories import TenantFactory, provider_at
from tests.fixtures.jsm import connect

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "portal"
README_SHOTS = {"help-center", "desk-page", "create-validation-error", "request-page", "my-requests"}


def shot(page, name: str) -> None:
    screens.shot(page, name, folder=ARTIFACTS, docs_name=f"portal-{name}" if name in README_SHOTS else None)


@pytest.fixture
def portal(transactional_db, live_server, settings, fake_jsm, oidc_provider):
    """Everything the ORM must create before Playwright's event loop starts (Django refuses it after)."""
    settings.GATEWAY_BASE_URL = live_server.url
    tenant = TenantFactory(slug="acme", name="Acme Support", brand_color="#0b5cad")
    provider_at(oidc_provider, tenant=tenant, name="Acme SSO")
    connect(tenant, fake_jsm)
    state = fake_jsm.state
    desks = {}
    for name, key in [("IT Help", "IT"), ("HR Questions", "HR")]:
        jira = state.add_service_desk(name=name, key=key)
        desks[key] = ServiceDesk.objects.create(tenant=tenant, jira_id=jira["id"], project_key=key, project_name=name)
    fields = [dict(f) for f in EVERY_FIELD if f["fieldId"] in ("summary", "description", "customfield_10001")]
    fields += [dict(f) for f in EVERY_FIELD if f["fieldId"] in ("customfield_10006", "labels", "attachment")]
    state.add_request_type(
        desk_id=desks["IT"].jira_id, name="Request hardware", fields=fields, group="Hardware", icon="#36b37e"
    )
    state.add_request_type(desk_id=desks["IT"].jira_id, name="Report a problem", group="Get help", icon="#ff5630")
    state.add_request_type(desk_id=desks["IT"].jira_id, name="Ask a question", group="Get help")
    state.add_request_type(desk_id=desks["HR"].jira_id, name="Leave request", group="General")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return {"base": live_server.url, "desk": desks["IT"], "fake": fake_jsm, "idp": oidc_provider}


@pytest.mark.browser
def test_a_customer_raises_a_request_with_a_file_follows_it_and_others_cannot_open_it(portal, browser, tmp_path):
    base, fake, idp = portal["base"], portal["fake"], portal["idp"]
    idp.user.update(email="grace@example.com", given_name="Grace", family_name="Hopper", name="Grace Hopper")
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()

    # The substitute link → sign-in at the IdP → back on the desk's portal page, with its request types.
    link = f"{base}/acme/portal/{portal['desk'].jira_id}/"
    page.goto(link)
    page.wait_for_url(link)
    assert page.text_content("h1") == "IT Help"
    assert page.locator("section.group h2").all_text_contents() == ["Hardware", "Get help"]
    assert page.locator("a.tile strong").all_text_contents() == [
        "Request hardware",
        "Report a problem",
        "Ask a question",
    ]
    icons = page.locator("a.tile img.icon")
    assert icons.count() == 2 and all(i.evaluate("img => img.naturalWidth") == 48 for i in icons.all())
    shot(page, "desk-page")
    page.goto(f"{base}/acme/")
    assert page.locator("a.tile strong").all_text_contents() == ["HR Questions", "IT Help"]
    shot(page, "help-center")

    # The create form: the required select left empty is refused, what was typed stays.
    page.click("a.tile:has-text('IT Help')")
    page.click("a.tile:has-text('Request hardware')")
    page.fill("#id_summary", "My laptop will not start")
    page.fill("#id_description", "It beeps *three* times.")
    page.fill("#id_labels", "laptop urgent")
    page.click("button:has-text('Send')")
    page.wait_for_selector(".error-summary")
    assert page.input_value("#id_summary") == "My laptop will not start"
    assert "This field is required." in page.text_content("[data-field-id=customfield_10001]")
    shot(page, "create-validation-error")

    # Fixed: the select chosen, a file attached, sent → the new request's page.
    page.select_option("#id_customfield_10001", label="Laptop")
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 a receipt")
    page.set_input_files("#id_attachment", str(receipt))
    page.click("button:has-text('Send')")
    page.wait_for_selector("text=was sent to IT Help")
    issue_key = page.url.rstrip("/").rsplit("/", 1)[1]
    created = fake.state.requests[issue_key]
    assert created.values["customfield_10001"] == {"id": "10100"} and created.values["labels"] == ["laptop", "urgent"]
    assert [a["content"] for a in created.attachments] == [b"%PDF-1.4 a receipt"]
    assert page.locator("ul.files a").all_text_contents() == ["receipt.pdf"]

    # My requests → open it → add a comment; an agent's internal note in Jira never shows.
    page.click("header nav >> text=My requests")
    row = page.locator("table.requests tbody tr", has_text="My laptop will not start")
    assert row.count() == 1 and issue_key in row.text_content()
    shot(page, "my-requests")
    row.locator(f"a:has-text('{issue_key}')").click()
    page.fill("#comment-body", "It still beeps this morning.")
    page.click("button:has-text('Add comment')")
    page.wait_for_selector("text=Your comment was added.")
    agent = fake.state.accounts[next(iter(fake.state.accounts))].account_id
    with fake.state.lock:
        fake.state.add_comment(key=issue_key, body="INTERNAL: replace under warranty", public=False, author=agent)
        fake.state.add_comment(key=issue_key, body="We will *replace* it this week.", public=True, author=agent)
    page.reload()
    comments = page.locator("article.comment").all_text_contents()
    assert any("Grace Hopper" in c and "It still beeps this morning." in c for c in comments)
    assert any("We will replace it this week." in c for c in comments)
    assert "INTERNAL" not in page.content() and "warranty" not in page.content()
    shot(page, "request-page")

    # Keyboard and small screens: the skip link comes first; the request page reflows to one column.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    main_box, side_box = page.locator(".main-col").bounding_box(), page.locator(".side-col").bounding_box()
    assert side_box["y"] > main_box["y"] + main_box["height"] - 1 and main_box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "request-page-mobile")
    context.close()

    # A second customer (another identity at the same IdP) gets a 404 for Grace's request.
    idp.user = {**idp.user, "sub": "user-alan", "email": "alan@example.com", "name": "Alan Turing"}
    other = browser.new_context()
    other.set_default_timeout(15_000)
    intruder = other.new_page()
    intruder.goto(f"{base}/acme/portal/{portal['desk'].jira_id}/")
    intruder.wait_for_selector("text=Request hardware")
    answer = intruder.goto(f"{base}/acme/requests/{issue_key}/")
    assert answer.status == 404 and "We could not find this request" in intruder.content()
    assert "My laptop will not start" not in intruder.content()
    intruder.goto(f"{base}/acme/requests/")
    assert issue_key not in intruder.content()
    other.close()
