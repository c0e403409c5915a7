"""JSM's translated names: the portal asks Jira in the customer's language (Accept-Language) and keeps the
cached request types per language, so one customer's German names never show on another's English page."""

import pytest
from django.core.cache import cache

from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


@pytest.fixture
def site(tenant, fake_jsm):
    cache.clear()
    return portal_site(tenant, fake_jsm)


def _desk_page(client, site, **headers) -> str:
    response = client.get(f"/acme/portal/{site.desk.jira_id}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def _type_calls(site):
    return site.fake.calls("GET", f"{JSM}/servicedesk/{site.desk.jira_id}/requesttype")


def test_a_german_customer_gets_jsms_german_names_and_an_english_one_the_english(site):
    _, grace = customer_at(site)
    _, alan = customer_at(site, email="alan@example.com", name="Alan Turing")
    site.fake.reset_log()
    german = _desk_page(grace, site, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="de"' in german and "Hardware anfordern" in german and "Request hardware" not in german
    assert [c.headers.get("Accept-Language") for c in _type_calls(site)] == ["de"]
    english = _desk_page(alan, site)  # no Accept-Language: the tenant's default, English
    assert "Request hardware" in english and "Hardware anfordern" not in english  # no bleed from the cache
    assert [c.headers.get("Accept-Language") for c in _type_calls(site)] == ["de", "en"]
    assert "Hardware anfordern" in _desk_page(grace, site, HTTP_ACCEPT_LANGUAGE="de")
    assert "Request hardware" in _desk_page(alan, site)
    assert len(_type_calls(site)) == 2  # each language's catalogue cached once


def test_english_first_then_german_is_not_served_the_english_cache(site):
    _, grace = customer_at(site)
    assert "Request hardware" in _desk_page(grace, site, HTTP_ACCEPT_LANGUAGE="en")
    assert "Hardware anfordern" in _desk_page(grace, site, HTTP_ACCEPT_LANGUAGE="de")


def test_the_create_form_fields_are_asked_for_in_the_customers_language(site):
    _, grace = customer_at(site)
    site.fake.reset_log()
    url = f"/acme/portal/{site.desk.jira_id}/create/{site.question['id']}/"
    assert grace.get(url, HTTP_ACCEPT_LANGUAGE="de").status_code == 200
    assert grace.get(url).status_code == 200
    path = f"{JSM}/servicedesk/{site.desk.jira_id}/requesttype/{site.question['id']}/field"
    assert [c.headers.get("Accept-Language") for c in site.fake.calls("GET", path)] == ["de", "en"]


def test_the_help_center_search_finds_the_german_name_in_german(site):
    _, grace = customer_at(site)
    html = grace.get("/acme/search/", {"q": "anfordern"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Hardware anfordern" in html
    assert "Request hardware" in grace.get("/acme/search/", {"q": "hardware"}).content.decode()
