"""The hosted portal in the customer's language and time zone (issue 16, items 1 and 2).

Times (a comment's, the request's, the status history's) and Jira date / date-time field values are shown in
the customer's zone (cookie `gw_tz`) and language (`Accept-Language`) with the zone named; a URL field value is a
link, a `javascript:` one is not; every portal page renders in German and Japanese.
"""

import re
from datetime import UTC, datetime

import pytest

from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 10, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo (JST, UTC+9), 10 December
FIELDS = {
    "customfield_30001": "2026-07-01T09:15:00.000+0000",  # a date-time field: 18:15 JST, 1 July
    "customfield_30002": "2026-03-04",  # a date field
    "customfield_30003": "https://docs.example.com/guide?a=1&b=2",  # a URL field
    "customfield_30004": "javascript:alert(1)",  # a URL field's value that must stay text
    "customfield_30005": {"iso8601": "2026-05-06T01:02:03+0000", "epochMillis": 1778029323000},  # JSM's DateDTO
}


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _request_with_times(site, customer):
    item = raise_request(site, customer)
    state = site.fake.state
    with state.lock:
        item.values.update(FIELDS)
        item.created = AT
        item.history = [(status, category, AT) for status, category, _ in item.history]
        agent = next(iter(state.accounts.values())).account_id
        state.add_comment(key=item.key, body="We are on it.", public=True, author=agent)["created"] = AT
        state.add_approval(key=item.key, approvers=[customer.jira_account_id], name="Manager")["created"] = AT
    return item


def _approval(html: str) -> str:
    found = re.search(r'<div class="approval"[^>]*>.*?</p>', html, re.DOTALL)
    assert found
    return found.group(0)


def _cell(html: str, field_id: str) -> str:
    found = re.search(rf'<dd class="rich" data-field-id="{field_id}">(.*?)</dd>', html, re.DOTALL)
    assert found, field_id
    return found.group(1)


def _comment(html: str) -> str:
    found = re.search(r'<article class="card comment[^"]*"[^>]*>.*?</header>', html, re.DOTALL)
    assert found
    return found.group(0)


def test_times_and_date_fields_are_in_the_customer_zone_and_language(site):
    grace, client = customer_at(site)
    item = _request_with_times(site, grace)
    client.cookies["gw_tz"] = "Asia/Tokyo"

    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert '<html lang="en"' in html
    comment = _comment(html)
    assert '<time datetime="2026-12-10T14:30:00+00:00">10 Dec 2026, 23:30 JST</time>' in comment
    assert _cell(html, "customfield_30001") == '<time datetime="2026-07-01T09:15:00+00:00">1 Jul 2026, 18:15 JST</time>'
    assert _cell(html, "customfield_30002") == '<time datetime="2026-03-04">4 Mar 2026</time>'
    assert "6 May 2026, 10:02 JST" in _cell(html, "customfield_30005")
    assert "2026-07-01T09:15:00.000+0000" not in html  # Jira's raw text is gone
    assert "requested on <time" in _approval(html) and "10 Dec 2026, 23:30 JST" in _approval(html)
    # created and the status history too
    assert html.count("10 Dec 2026, 23:30 JST") == 4

    german = client.get(f"/acme/requests/{item.key}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de"' in german
    assert "10. Dezember 2026, 23:30 JST" in _comment(german)
    assert "1. Juli 2026, 18:15 JST" in _cell(german, "customfield_30001")
    assert "4. März 2026" in _cell(german, "customfield_30002")
    assert "10. Dezember 2026, 23:30 JST" in _approval(german)

    client.cookies["gw_tz"] = "Europe/Berlin"
    berlin = client.get(f"/acme/requests/{item.key}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "10. Dezember 2026, 15:30 CET" in _comment(berlin)


def test_a_url_field_is_a_safe_link_and_a_javascript_url_is_text(site):
    grace, client = customer_at(site)
    item = _request_with_times(site, grace)
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    link = _cell(html, "customfield_30003")
    assert link.startswith('<a href="https://docs.example.com/guide?a=1&amp;b=2"')
    assert 'rel="noopener noreferrer nofollow"' in link
    script = _cell(html, "customfield_30004")
    assert "javascript:alert(1)" in script and "<a" not in script and "href" not in script


def test_the_request_list_shows_updated_in_the_customer_zone(site):
    grace, client = customer_at(site)
    item = _request_with_times(site, grace)
    item.updated = AT
    client.cookies["gw_tz"] = "Asia/Tokyo"
    html = client.get("/acme/requests/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<time datetime="2026-12-10T14:30:00+00:00">10. Dezember 2026, 23:30 JST</time>' in html


@pytest.mark.parametrize("language", ["de", "ja"])
def test_every_portal_page_renders_in_the_language(site, language):
    grace, client = customer_at(site)
    item = _request_with_times(site, grace)
    desk = site.desk.jira_id
    pages = {
        "home": ("/acme/", 200),
        "account": ("/acme/account/", 200),
        "desk": (f"/acme/portal/{desk}/", 200),
        "create": (f"/acme/portal/{desk}/create/{site.hardware['id']}/", 200),
        "requests": ("/acme/requests/", 200),
        "requests filtered": ("/acme/requests/?q=nothing-matches&state=all", 200),
        "request": (f"/acme/requests/{item.key}/", 200),
        "missing request": ("/acme/requests/ITH-999/", 404),
        "missing desk": ("/acme/portal/424242/", 404),
    }
    for name, (url, status) in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == status, name
        assert f'<html lang="{language}"' in response.content.decode(), name
    invalid = client.post(f"/acme/portal/{desk}/create/{site.hardware['id']}/", {}, HTTP_ACCEPT_LANGUAGE=language)
    assert invalid.status_code == 400 and f'<html lang="{language}"' in invalid.content.decode()
    signed_out = client.post("/acme/logout/", HTTP_ACCEPT_LANGUAGE=language)
    assert signed_out.status_code == 200 and f'<html lang="{language}"' in signed_out.content.decode()

    customer_at(site, email="alan@example.com", name="Alan Turing")  # a second provider: the choice page shows
    anonymous = client.__class__()
    for url in ("/acme/", "/acme/login/", "/acme/login/?email=nobody@nowhere.example"):
        response = anonymous.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode(), url
    assert 'role="alert"' in response.content.decode()  # the "no sign-in option for that email" message
