"""Issue 15's acceptance in Chromium, against the fake JSM and the Python test identity provider: a request type
with a cascading select, organizations, participants and an attachment; sharing and unsharing; a request with
approvals, its status history and a rich-text description with a table and an image; a comment with an attachment;
an organization's request seen by a colleague; an email link opened without a session that ends on the request
after sign-in; a returning customer's My requests right after sign-in, and its filters. Each page is also checked
at a 390 px wide phone viewport (no sideways scrolling).

Screenshots go to test-artifacts/portal/ and are copied to docs/screenshots/ (portal-<name>.png) when missing or
with GATEWAY_UPDATE_SCREENSHOTS=1.
"""

import pytest

from fakes.jsm.fields import EVERY_FIELD, MORE_FIELDS
from fakes.jsm.state import solid_png
from tenants.models import ServiceDesk
from tests.e2e import screens
from tests.e2e.test_portal_browser import ARTIFACTS, REPO
from tests.factories import TenantFactory, provider_at
from tests.fixtures.jsm import connect

SHOTS = {
    "create-cascading",
    "create-cascading-mobile",
    "request-lifecycle",
    "request-lifecycle-mobile",
    "my-requests-filters",
    "my-requests-mobile",
    "my-requests-empty",
    "organization-request-colleague",
    "help-center-returning",
}


def shot(page, name: str) -> None:
    screens.shot(page, name, folder=ARTIFACTS, docs_name=f"portal-{name}" if name in SHOTS else None)


def fits_a_phone(page) -> None:
    """At 390 px nothing scrolls sideways (wide tables scroll inside their own box)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("() => document.documentElement.clientWidth <= 390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def image_width(page, selector: str) -> int:
    """The natural width of an image once it has loaded (previews are lazy: the page may not have fetched it yet)."""
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0; }", arg=selector
    )
    return page.locator(selector).evaluate("img => img.naturalWidth")


@pytest.fixture
def lifecycle(transactional_db, live_server, settings, fake_jsm, oidc_provider):
    """Everything the ORM must create before Playwright's event loop starts (Django refuses it after)."""
    settings.GATEWAY_BASE_URL = live_server.url
    tenant = TenantFactory(slug="acme", name="Acme Support", brand_color="#0b5cad")
    provider_at(oidc_provider, tenant=tenant, name="Acme SSO")
    connect(tenant, fake_jsm)
    state = fake_jsm.state
    jira = state.add_service_desk(name="IT Help", key="IT")
    desk = ServiceDesk.objects.create(tenant=tenant, jira_id=jira["id"], project_key="IT", project_name="IT Help")
    fields = [dict(f) for f in EVERY_FIELD if f["fieldId"] in ("summary", "description")]
    fields += [dict(f) for f in MORE_FIELDS if f["fieldId"] in ("customfield_10020", "customfield_10021")]
    fields += [dict(f) for f in EVERY_FIELD if f["fieldId"] == "attachment"]
    hardware = state.add_request_type(desk_id=desk.jira_id, name="Request hardware", fields=fields, group="Hardware")
    question = state.add_request_type(desk_id=desk.jira_id, name="Ask a question", group="Get help")
    people = {}
    for email, name in [("alan@acme.example", "Alan Turing"), ("ada@acme.example", "Ada Lovelace")]:
        people[email] = state.add_user(email=email, display_name=name)["accountId"]
        state.desk_customers[desk.jira_id].add(people[email])
    org = state.add_organization("Acme Corp")
    org["users"].add(people["alan@acme.example"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return {
        "base": live_server.url,
        "desk": desk,
        "fake": fake_jsm,
        "idp": oidc_provider,
        "hardware": hardware,
        "question": question,
        "org": org,
        "people": people,
    }


def _as(browser, idp, *, email, name, sub):
    idp.user = {**idp.user, "sub": sub, "email": email, "name": name, "given_name": name.split()[0]}
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.mark.browser
def test_create_with_cascade_organizations_share_and_file_then_a_colleague_sees_it(lifecycle, browser, tmp_path):
    base, fake, desk = lifecycle["base"], lifecycle["fake"], lifecycle["desk"]
    context, page = _as(browser, lifecycle["idp"], email="grace@acme.example", name="Grace Hopper", sub="u-grace")
    page.goto(f"{base}/acme/portal/{desk.jira_id}/")
    page.wait_for_selector("text=Request hardware")
    grace = fake.state.user_by_email("grace@acme.example")["accountId"]
    lifecycle["org"]["users"].add(grace)  # her company's organization in JSM

    page.click("a.tile:has-text('Request hardware')")
    groups = page.locator("#id_customfield_10020 optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups == ["Hardware", "Software"]
    page.fill("#id_summary", "A docking station for the new laptop")
    page.fill("#id_description", "The old one does not charge.")
    page.select_option("#id_customfield_10020", label="Hardware › Dock")
    page.check("label:has-text('Acme Corp') input")
    page.fill("#id_share_with", "ada@acme.example")
    photo = tmp_path / "dock.png"
    photo.write_bytes(solid_png("#36b37e"))
    page.set_input_files("#id_attachment", str(photo))
    shot(page, "create-cascading")
    fits_a_phone(page)
    shot(page, "create-cascading-mobile")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.click("button:has-text('Send')")
    page.wait_for_selector("text=was sent to IT Help")
    key = page.url.rstrip("/").rsplit("/", 1)[1]
    made = fake.state.requests[key]
    assert made.values["customfield_10020"] == {"id": "300", "child": {"id": "302"}}
    assert made.organizations == [lifecycle["org"]["id"]]
    assert made.participants == [lifecycle["people"]["ada@acme.example"]]
    assert [a["filename"] for a in made.attachments] == ["dock.png"]
    assert "Hardware › Dock" in page.text_content("[data-field-id=customfield_10020]")
    assert image_width(page, "ul.files img") == 48  # the preview, through the gateway

    # Unshare Ada, then share again: the list of people follows.
    page.get_by_role("button", name="Remove Ada Lovelace").click()
    page.wait_for_selector("text=Ada Lovelace will no longer see this request.")
    assert made.participants == []
    page.fill("#participant-email", "ada@acme.example")
    page.click("button:has-text('Share')")
    page.wait_for_selector("text=can now see and follow this request")
    assert "Ada Lovelace" in page.text_content(".people")
    context.close()

    # Alan, in the same organization, signs in for the first time and sees it in My requests at once.
    colleague, page = _as(browser, lifecycle["idp"], email="alan@acme.example", name="Alan Turing", sub="u-alan")
    page.goto(f"{base}/acme/requests/")
    page.wait_for_selector("h1:has-text('My requests')")
    page.select_option("#organization", "Acme Corp")
    page.click("button:has-text('Search')")
    row = page.locator("table.requests tbody tr", has_text="A docking station")
    assert row.count() == 1
    row.locator(f"a:has-text('{key}')").click()
    page.wait_for_selector(f"text={key}")
    assert "The old one does not charge." in page.content()
    shot(page, "organization-request-colleague")
    colleague.close()


@pytest.mark.browser
def test_an_email_link_ends_on_a_rich_request_with_approvals_history_and_a_comment_with_a_file(lifecycle, browser):
    base, fake, desk = lifecycle["base"], lifecycle["fake"], lifecycle["desk"]
    alan, ada = lifecycle["people"]["alan@acme.example"], lifecycle["people"]["ada@acme.example"]
    state = fake.state
    agent = next(iter(state.accounts.values())).account_id
    with state.lock:
        item = state.add_request(
            desk_id=desk.jira_id, request_type_id=lifecycle["question"]["id"], reporter=alan,
            values={"summary": "Printers on floor 3", "description": "see table"},
        )  # fmt: skip
        item.participants.append(ada)
        picture = state.add_attachment(
            key=item.key, filename="floor3.png", content=solid_png("#ff5630", 120), mime="image/png", author=alan
        )
        site = state.base_url
        item.rendered["description"] = (
            "<p>Which printers <b>smoke</b>:</p><div class='table-wrap'><table class='confluenceTable'><tbody>"
            "<tr><th>Floor</th><th>Printer</th><th>Since</th></tr><tr><td>3</td><td>HP LaserJet 4000 series</td>"
            "<td>Monday morning</td></tr><tr><td>3</td><td>Canon imageRUNNER</td><td>Tuesday</td></tr></tbody>"
            "</table></div><ul><li>both jam</li><li>one smells</li></ul><blockquote><p>Please hurry</p>"
            f"</blockquote><p><img src='{site}/secure/attachment/{picture['id']}/floor3.png' alt='floor plan'>"
            "</p><pre>error 50.4</pre>"
        )
        approval = state.add_approval(key=item.key, approvers=[alan], name="Manager approval")
        state.decide_approval(approval, account_id=alan, decision="approved")
        state.add_approval(key=item.key, approvers=[ada], name="Finance approval")
        state.set_status(item.key, "Waiting for approval", "INDETERMINATE")
        state.add_comment(key=item.key, body="Looking into it", public=True, author=agent)
        state.add_comment(key=item.key, body="INTERNAL: budget is tight", public=False, author=agent)

    # The email's "View request" link, opened without a session: sign-in, then the request itself.
    context, page = _as(browser, lifecycle["idp"], email="alan@acme.example", name="Alan Turing", sub="u-alan")
    page.goto(f"{base}/acme/servicedesk/customer/portal/{desk.jira_id}/{item.key}?sda_source=notification-email")
    page.wait_for_url(f"{base}/acme/requests/{item.key}/")
    assert page.locator("[data-field-id=description] table tr").count() == 3
    assert image_width(page, "[data-field-id=description] img") == 120
    assert page.locator(".approval").count() == 2 and "Ada Lovelace: has not decided yet" in page.content()
    history = page.locator("ol.history li").all_text_contents()
    assert [h.split()[0] for h in history] == ["Waiting", "Waiting"] and "approval" in history[1]
    assert "INTERNAL" not in page.content() and "budget" not in page.content()

    # A comment with a file.
    notes = REPO / "test-artifacts" / "portal" / "notes.txt"
    notes.write_text("printer log")
    page.set_input_files("#files-input", str(notes))
    page.fill("#files-comment", "The printer's log is attached.")
    page.click("button:has-text('Add files')")
    page.wait_for_selector("text=Your comment and files were added.")
    comment = page.locator("article.comment", has_text="The printer's log is attached.")
    assert comment.locator(".comment-files a").all_text_contents() == ["notes.txt"]
    assert "Alan Turing" in comment.text_content()
    shot(page, "request-lifecycle")
    fits_a_phone(page)
    shot(page, "request-lifecycle-mobile")
    context.close()


@pytest.mark.browser
def test_a_returning_customers_my_requests_right_after_sign_in_with_filters(lifecycle, browser):
    base, fake, desk = lifecycle["base"], lifecycle["fake"], lifecycle["desk"]
    alan, ada = lifecycle["people"]["alan@acme.example"], lifecycle["people"]["ada@acme.example"]
    state = fake.state
    with state.lock:
        for n, summary in enumerate(["VPN drops every hour", "New monitor", "Password reset"]):
            made = state.add_request(
                desk_id=desk.jira_id, request_type_id=lifecycle["question"]["id"], reporter=alan,
                values={"summary": summary},
            )  # fmt: skip
            if n == 2:
                state.set_status(made.key, "Resolved", "DONE")
        theirs = state.add_request(
            desk_id=desk.jira_id, request_type_id=lifecycle["question"]["id"], reporter=ada,
            values={"summary": "Budget for a new printer"},
        )  # fmt: skip
        state.add_approval(key=theirs.key, approvers=[alan], name="Manager approval")

    # Alan used JSM's own portal before; he signs in at the help center and his requests are there at once.
    context, page = _as(browser, lifecycle["idp"], email="alan@acme.example", name="Alan Turing", sub="u-alan")
    page.goto(f"{base}/acme/")
    page.click("a:has-text('Sign in')")
    page.wait_for_selector("text=Your open requests")
    assert "VPN drops every hour" in page.text_content(".recent")
    shot(page, "help-center-returning")
    page.click("a:has-text('See my requests')")
    page.wait_for_selector("table.requests")
    listed = page.locator("table.requests tbody tr").all_text_contents()
    assert any("VPN drops every hour" in r for r in listed) and any("Budget for a new printer" in r for r in listed)
    assert not any("Password reset" in r for r in listed)  # closed
    page.select_option("#ownership", "approval")
    page.select_option("#state", "all")
    page.click("button:has-text('Search')")
    page.wait_for_url("**ownership=approval**")
    assert [r for r in page.locator("table.requests tbody tr").all_text_contents() if r.strip()] and all(
        "Budget for a new printer" in r for r in page.locator("table.requests tbody tr").all_text_contents()
    )
    shot(page, "my-requests-filters")
    page.goto(f"{base}/acme/requests/")
    fits_a_phone(page)
    shot(page, "my-requests-mobile")
    context.close()

    # Someone new: nothing yet, and an invitation to raise a request.
    newcomer, page = _as(browser, lifecycle["idp"], email="new@acme.example", name="New Person", sub="u-new")
    page.goto(f"{base}/acme/requests/")
    page.wait_for_selector("text=You have no open requests.")
    page.click("a:has-text('Raise a request')")
    page.wait_for_selector("text=Request hardware")
    page.go_back()
    fits_a_phone(page)
    shot(page, "my-requests-empty")
    newcomer.close()
