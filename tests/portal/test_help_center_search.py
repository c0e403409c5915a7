"""Search on the help center ("What can we help you with?"): the request types a customer may raise, by name
and description, and the articles of the knowledge bases linked to the desks they may use, linking to the
article. No knowledge base: request types only; Jira down: a notice, never an error page."""

import pytest
from django.core.cache import cache
from django.test import Client

from tenants.models import ServiceDesk
from tests.helpers.signin import sign_in_started
from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


@pytest.fixture
def site(tenant, fake_jsm):
    cache.clear()
    found = portal_site(tenant, fake_jsm)
    fake_jsm.state.add_request_type(desk_id=found.desk.jira_id, name="Travel booking", group="General")
    return found


@pytest.fixture
def payroll(site):
    """A second desk, open to the "finance" group only, with its own request type and knowledge base article."""
    state = site.fake.state
    jira_desk = state.add_service_desk(name="Payroll", key="PAY")
    desk = ServiceDesk.objects.create(
        tenant=site.tenant, jira_id=jira_desk["id"], project_key="PAY", project_name="Payroll", project_id="2",
        access=ServiceDesk.Access.RESTRICTED, allowed_groups=["finance"],
    )  # fmt: skip
    state.add_request_type(desk_id=desk.jira_id, name="Printer payroll slip", group="General")
    state.add_article(title="Printer settings for payslips", excerpt="Payroll only.", desk_ids=(desk.jira_id,))
    return desk


def _search(client, words: str):
    response = client.get("/acme/search/", {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def test_the_help_center_has_the_search_box(site):
    _, client = customer_at(site)
    html = client.get("/acme/").content.decode()
    assert "What can we help you with?" in html and 'action="/acme/search/"' in html and 'name="q"' in html


def test_a_request_type_is_found_by_its_name_and_by_its_description(site):
    _, client = customer_at(site)
    by_name = _search(client, "hardware")
    assert "Request hardware" in by_name and "Ask a question" not in by_name
    assert f'href="/acme/portal/{site.desk.jira_id}/create/{site.hardware["id"]}/"' in by_name
    by_description = _search(client, "Travel booking requests")  # the fake's description: "<name> requests"
    assert "Travel booking" in by_description and "Request hardware" not in by_description
    assert "No request type matches your search." in _search(client, "zeppelin")


def test_a_desk_the_customer_may_not_use_is_not_searched(site, payroll):
    _, client = customer_at(site)
    site.fake.reset_log()
    html = _search(client, "printer")
    assert "Printer payroll slip" not in html and "Printer settings for payslips" not in html
    assert not site.fake.calls("GET", f"{JSM}/servicedesk/{payroll.jira_id}/requesttype")
    assert not site.fake.calls("GET", f"{JSM}/servicedesk/{payroll.jira_id}/knowledgebase/article")
    assert not site.fake.calls("GET", f"{JSM}/knowledgebase/article")  # never the search across every desk
    _, finance = customer_at(site, email="fin@example.com", name="Fin", groups=["finance"])
    html = _search(finance, "printer")
    assert "Printer payroll slip" in html and "Printer settings for payslips" in html


def test_a_restricted_request_type_is_not_found(site):
    site.fake.state.add_request_type(desk_id=site.desk.jira_id, name="Secret hardware", restricted=True)
    _, client = customer_at(site)
    html = _search(client, "hardware")
    assert "Request hardware" in html and "Secret hardware" not in html


def test_an_article_is_found_with_its_link(site):
    _, client = customer_at(site)
    site.fake.reset_log()
    html = _search(client, "password")
    assert "Reset your password" in html
    article = next(a for a in site.fake.state.knowledge_base if a["title"] == "Reset your password")
    url = f"{site.fake.url}/servicedesk/customer/portal/{site.desk.jira_id}/article/{article['pageId']}"
    assert f'href="{url}"' in html
    assert "<mark>password</mark>" in html  # JSM's @@@hl@@@ marks, shown as highlights
    assert "@@@" not in html
    (call,) = site.fake.calls("GET", f"{JSM}/servicedesk/{site.desk.jira_id}/knowledgebase/article")
    assert call.query["query"] == "password" and call.query["highlight"] == "true"


def test_an_article_link_that_is_not_http_is_not_a_link(site):
    site.fake.state.add_article(title="Odd article", excerpt="zebra")
    site.fake.state.desk(site.desk.jira_id)  # the desk has no portal address of its own: the site's shape
    _, client = customer_at(site)
    ServiceDesk.objects.filter(pk=site.desk.pk).update(portal_url="javascript:alert(1)")
    html = _search(client, "zebra")
    assert "Odd article" in html and "javascript:" not in html


def test_without_a_knowledge_base_only_request_types_show(site):
    site.fake.state.add_article(title="Hardware guide", excerpt="Which hardware to ask for.")
    _, client = customer_at(site)
    assert "Hardware guide" in _search(client, "hardware")
    for status in (403, 404):  # the documented refusal, and a site that has no such endpoint
        fault = site.fake.fail(f"{JSM}/servicedesk/{site.desk.jira_id}/knowledgebase", status)
        html = _search(client, "hardware")
        assert "Request hardware" in html and "Hardware guide" not in html and "Articles" not in html
        assert "not answering" not in html
        fault.times = 0
    site.fake.state.knowledge_base = None  # the fake site without one
    html = _search(client, "hardware")
    assert "Request hardware" in html and "Hardware guide" not in html and "not answering" not in html


def test_jira_down_shows_the_request_types_it_knows_with_a_notice(site):
    _, client = customer_at(site)
    assert "Request hardware" in _search(client, "hardware")  # the catalogue is now cached
    site.fake.fail("/rest", 503)
    html = _search(client, "hardware")
    assert "Request hardware" in html and "Jira is not answering right now" in html
    cache.clear()
    html = _search(client, "hardware")  # nothing cached: still a page, with the notice
    assert "Jira is not answering right now" in html and "Request hardware" not in html


def test_markup_in_an_excerpt_is_shown_as_text(site):
    site.fake.state.add_article(
        title="<img src=x onerror=alert(1)>Wiki", excerpt='kiwi <script>alert("x")</script> @@@hl@@@<b>kiwi</b>'
    )
    _, client = customer_at(site)
    html = _search(client, "kiwi")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>kiwi" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;Wiki" in html


def test_an_anonymous_visitor_is_sent_to_sign_in_with_the_search_kept(site, customer):
    site.fake.reset_log()
    tx = sign_in_started(Client().get("/acme/search/", {"q": "vpn  access"}))
    assert (tx.provider_id, tx.next_path) == (customer.provider_id, "/acme/search/?q=vpn+access")
    assert not site.fake.log  # nothing asked of Jira for an anonymous visitor


def test_the_search_page_renders_in_german_and_japanese(site):
    _, client = customer_at(site)
    for language in ("de", "ja"):
        response = client.get("/acme/search/", {"q": "password"}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'<html lang="{language}"' in response.content.decode()
