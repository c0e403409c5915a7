"""Issue 16's acceptance in Chromium: the portal in German from the browser's language, switched to Japanese and
remembered; times in the customer's zone (detected by the browser) with the zone named; a branded help center.

Screenshots go to test-artifacts/locale/ and, when missing or with GATEWAY_UPDATE_SCREENSHOTS=1, to docs/screenshots/.
"""

import base64
import datetime as dt
from pathlib import Path

import pytest

from fakes.jsm.fields import EVERY_FIELD
from tenants.models import ServiceDesk
from tests.e2e import screens
from tests.e2e.axe import assert_accessible, install
from tests.factories import TenantFactory, provider_at
from tests.fixtures.jsm import connect

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "locale"
# A 2x2 PNG of the tenant's blue: a logo the admin uploaded.
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGPkZmr+z8DAwMTAwMDAAAAcNAIQrN8Y3gAAAABJRU5ErkJggg=="
)
WHEN = dt.datetime(2026, 12, 10, 14, 30, tzinfo=dt.UTC)  # 23:30 in Tokyo, 15:30 in Berlin


def shot(page, name: str) -> None:
    screens.shot(page, name, folder=ARTIFACTS, docs_name=name)


@pytest.fixture
def site(transactional_db, live_server, settings, fake_jsm, oidc_provider):
    settings.GATEWAY_BASE_URL = live_server.url
    tenant = TenantFactory(
        slug="acme",
        name="Acme",
        help_center_name="Acme Support",
        announcement="Planned maintenance on Saturday, 08:00–10:00 UTC.",
        brand_color="#0b5cad",
        default_time_zone="Europe/Berlin",
        logo=LOGO,
        logo_content_type="image/png",
    )
    provider_at(oidc_provider, tenant=tenant, name="Acme SSO")
    connect(tenant, fake_jsm)
    state = fake_jsm.state
    jira = state.add_service_desk(name="IT Help", key="IT")
    desk = ServiceDesk.objects.create(tenant=tenant, jira_id=jira["id"], project_key="IT", project_name="IT Help")
    fields = [dict(f) for f in EVERY_FIELD if f["fieldId"] in ("summary", "description", "customfield_10007")]
    request_type = state.add_request_type(desk_id=desk.jira_id, name="Book a meeting", fields=fields, group="General")
    oidc_provider.user.update(email="grace@example.com", given_name="Grace", family_name="Hopper", name="Grace Hopper")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return {"base": live_server.url, "desk": desk, "state": state, "request_type": request_type}


def raise_with_a_meeting_and_a_comment(site, reporter_account_id: str) -> str:
    state = site["state"]
    request = state.add_request(
        desk_id=site["desk"].jira_id,
        request_type_id=site["request_type"]["id"],
        reporter=reporter_account_id,
        values={"summary": "Quarterly review", "customfield_10007": "2026-12-10T14:30:00.000+0000"},
    )
    comment = state.add_comment(key=request.key, body="See you then.", public=True, author=reporter_account_id)
    comment["created"] = WHEN
    return request.key


@pytest.mark.browser
def test_german_from_the_browser_japanese_when_chosen_times_in_the_browser_zone_and_the_tenant_brand(site, browser):
    base = site["base"]
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="de-DE", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    install(context)
    page = context.new_page()

    # German from the browser's Accept-Language; the brand on the help center; the zone detected (Tokyo).
    page.goto(f"{base}/acme/portal/{site['desk'].jira_id}/")
    page.wait_for_url(f"{base}/acme/portal/{site['desk'].jira_id}/")
    page.goto(f"{base}/acme/")
    assert page.get_attribute("html", "lang") == "de"
    assert page.text_content("a.brand").strip() == "Acme Support"
    assert page.locator("a.brand img").evaluate("img => img.naturalWidth") == 2
    assert page.get_attribute("link[rel=icon]", "href").startswith("/acme/logo/")
    assert "Planned maintenance on Saturday" in page.text_content(".announcement")
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
    assert accent == "#0b5cad"
    assert page.text_content("nav[aria-label] a[href='/acme/requests/']").strip() == "Meine Anfragen"
    assert_accessible(page, "help center in German")
    shot(page, "help-center-branded-de")

    # A comment's time and a date-time field, in the zone the browser reported, the zone named, in German.
    grace = site["state"].user_by_email("grace@example.com")
    key = raise_with_a_meeting_and_a_comment(site, grace["accountId"])
    page.goto(f"{base}/acme/requests/{key}/")
    assert "Zeiten in Asia/Tokyo" in page.text_content("footer")
    times = page.locator("main time").all_text_contents()
    assert "10. Dezember 2026, 23:30 JST" in times, times
    assert len([t for t in times if t == "10. Dezember 2026, 23:30 JST"]) >= 2, times  # the field and the comment
    shot(page, "request-page-de-tokyo")

    # Japanese, chosen in the footer, is remembered on the next page and beats the browser's German.
    page.click("footer details.languages summary")
    page.click("footer a[lang=ja]")
    page.wait_for_url(f"{base}/acme/requests/{key}/")
    assert page.get_attribute("html", "lang") == "ja"
    assert "2026年12月10日 23:30 JST" in page.locator("main time").all_text_contents()
    page.goto(f"{base}/acme/requests/")
    assert page.get_attribute("html", "lang") == "ja"
    assert_accessible(page, "My requests in Japanese")
    shot(page, "my-requests-ja")
    context.close()
