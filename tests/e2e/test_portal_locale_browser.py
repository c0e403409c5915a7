"""Issue 16 in Chromium: a browser in German set to Tokyo time sees the portal in German (its Accept-Language) and
a comment's time and a date-time field's value in Tokyo time with the zone named (the zone detected by
portal/static/portal/locale.js and remembered in the gw_tz cookie); a URL field is a link.

Screenshot: test-artifacts/portal/request-page-de-tokyo.png, copied to docs/screenshots/ when missing or
GATEWAY_UPDATE_SCREENSHOTS=1.
"""

from datetime import UTC, datetime

import pytest

from tests.e2e import screens
from tests.e2e.test_portal_browser import ARTIFACTS, portal  # noqa: F401 (fixture used by name)

AT = datetime(2026, 12, 10, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo, 15:30 in Berlin


def shot(page, name: str) -> None:
    screens.shot(page, name, folder=ARTIFACTS, docs_name=f"portal-{name}")


@pytest.mark.browser
def test_a_german_browser_in_tokyo_sees_its_language_and_its_times(portal, browser):  # noqa: F811
    base, fake, idp = portal["base"], portal["fake"], portal["idp"]
    idp.user.update(email="grace@example.com", given_name="Grace", family_name="Hopper", name="Grace Hopper")
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="de-DE", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    page = context.new_page()
    link = f"{base}/acme/portal/{portal['desk'].jira_id}/"
    page.goto(link)
    page.wait_for_url(link)
    assert page.get_attribute("html", "lang") == "de"
    assert {c["name"]: c["value"] for c in context.cookies()}["gw_tz"] == "Asia/Tokyo"  # detected by locale.js

    state = fake.state
    with state.lock:
        grace = next(u for u in state.users.values() if u["emailAddress"] == "grace@example.com")["accountId"]
        question = next(t for t in state.request_types[portal["desk"].jira_id] if t["name"] == "Ask a question")
        item = state.add_request(
            desk_id=portal["desk"].jira_id,
            request_type_id=question["id"],
            reporter=grace,
            values={
                "summary": "Der Drucker brennt",
                "description": "Er raucht.",
                "customfield_30001": "2026-07-01T09:15:00.000+0000",
                "customfield_30003": "https://docs.example.com/drucker",
            },
        )
        item.created = AT
        agent = next(iter(state.accounts.values())).account_id
        state.add_comment(key=item.key, body="Wir kümmern uns darum.", public=True, author=agent)["created"] = AT

    page.goto(f"{base}/acme/requests/{item.key}/")
    comment_time = page.locator("article.comment header time")
    assert comment_time.text_content() == "10. Dezember 2026, 23:30 JST"
    assert comment_time.get_attribute("datetime") == "2026-12-10T14:30:00+00:00"
    assert page.text_content("[data-field-id=customfield_30001]") == "1. Juli 2026, 18:15 JST"
    link = page.locator("[data-field-id=customfield_30003] a")
    assert link.get_attribute("href") == "https://docs.example.com/drucker"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    assert "Asia/Tokyo" in page.text_content("footer .preferences")
    shot(page, "request-page-de-tokyo")
    context.close()
