"""XSS: script and event-handler payloads put into the fake JSM (a request summary,
a comment, field values in wiki markup and ADF, request type texts, a file name) never come back as markup."""

import re
from html.parser import HTMLParser

import pytest

from portal.rendering import adf_to_html, field_value_html, wiki_to_html
from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '"><a href="javascript:alert(1)" onmouseover="alert(2)">x</a>',
    "[click me|javascript:alert(3)]",
    "{html}<script>alert(4)</script>{html}",
    "<iframe src=//evil.example></iframe>",
]
EVIL = " ".join(PAYLOADS)
ADF_EVIL = {
    "type": "doc",
    "version": 1,
    "content": [
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "<script>alert(5)</script>"},
                {"type": "text", "text": "link", "marks": [{"type": "link", "attrs": {"href": "javascript:alert(6)"}}]},
                {"type": "text", "text": "q", "marks": [{"type": "link", "attrs": {"href": 'https://x" onclick="a'}}]},
            ],
        }
    ],
}


class Elements(HTMLParser):
    """Every element and attribute as a browser's tokenizer sees them (text, escaped or not, is not markup)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def assert_inert(html: str) -> None:
    """No element or attribute a payload could have smuggled in, whatever text remains visible."""
    for tag, attrs in Elements(html).found:
        assert tag not in ("script", "img", "svg", "iframe", "object", "embed"), (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not re.sub(r"\s", "", attrs.get(name, "")).lower().startswith("javascript:"), (tag, attrs)


def test_payloads_in_a_summary_a_comment_and_field_values_are_shown_as_text(tenant, fake_jsm):
    site = portal_site(tenant, fake_jsm)
    grace, client = customer_at(site)
    state = fake_jsm.state
    with state.lock:
        request_type = state.request_types[site.desk.jira_id][1]
        request_type["name"], request_type["description"] = EVIL, EVIL
        item = state.add_request(
            desk_id=site.desk.jira_id,
            request_type_id=site.hardware["id"],
            reporter=grace.jira_account_id,
            values={"summary": EVIL, "description": EVIL, "customfield_10009": ADF_EVIL, "labels": [EVIL]},
        )
        state.add_comment(key=item.key, body=EVIL, public=True, author=next(iter(state.accounts.values())).account_id)
        state.add_attachment(key=item.key, filename=EVIL, content=b"x", mime="text/html", author=grace.jira_account_id)
    pages = {
        "request": client.get(f"/acme/requests/{item.key}/"),
        "list": client.get("/acme/requests/"),
        "portal": client.get(f"/acme/portal/{site.desk.jira_id}/"),
        "create": client.get(f"/acme/portal/{site.desk.jira_id}/create/{request_type['id']}/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        body = html.split('<main id="main"', 1)[1]
        assert_inert(body)
        assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body or name == "portal", name
    request_html = pages["request"].content.decode()
    assert request_html.count("&lt;img src=x onerror=") >= 2  # summary, description, comment: escaped text
    assert "alert(5)" in request_html and "javascript:alert(6)" not in request_html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_wiki_renderer_never_emits_markup_from_a_payload(payload):
    assert_inert(str(wiki_to_html(payload)))
    assert_inert(str(field_value_html(payload)))
    assert_inert(str(field_value_html({"value": payload})))


def test_the_adf_renderer_keeps_safe_links_and_drops_dangerous_ones():
    html = str(adf_to_html(ADF_EVIL))
    assert_inert(html)
    good = {"type": "text", "text": "docs", "marks": [{"type": "link", "attrs": {"href": "https://example.com/a"}}]}
    rendered = str(adf_to_html({"type": "doc", "content": [{"type": "paragraph", "content": [good]}]}))
    assert '<a href="https://example.com/a" rel="noopener noreferrer nofollow">docs</a>' in rendered


def test_wiki_markup_renders_its_everyday_formatting():
    html = str(wiki_to_html("h2. Title\n*bold* and _it_ see [the docs|https://example.com]\n* one\n* two"))
    assert "<h4>Title</h4>" in html and "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">the docs</a>' in html
    assert "<ul><li>one</li><li>two</li></ul>" in html
