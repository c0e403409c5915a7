"""Rich text as in JSM (issue 15, item 3): descriptions and comments from JSM's rendered HTML (`renderedValue`,
`renderedBody` with expand), sanitised by nh3, with images and file links going through the gateway, where the
customer's access to each file is checked again."""

import pytest

from fakes.jsm.state import solid_png
from tests.portal.jsm_portal import customer_at, portal_site, raise_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _host(site):
    from tenants.models import JiraConnection

    return JiraConnection.objects.get(tenant=site.tenant).site_url.rstrip("/")


RICH = """<p>The <b>printer</b> <em>smokes</em>;
see <a href="{site}/secure/attachment/{file}/smoke.png">smoke.png</a>.</p>
<div class="table-wrap"><table class="confluenceTable"><tbody>
<tr><th class="confluenceTh">Floor</th><th class="confluenceTh">Printer</th></tr>
<tr><td class="confluenceTd">3</td><td class="confluenceTd">HP 4000</td></tr></tbody></table></div>
<ul><li>first</li><li>second</li></ul>
<div class="code panel"><div class="codeContent panelContent"><pre class="code-java">print("hi")</pre></div></div>
<blockquote><p>As Ada said</p></blockquote>
<p><a href="{site}/jira/people/abc" class="user-hover" rel="abc">Ada Lovelace</a> please look</p>
<p><span class="image-wrap"><img src="{site}/secure/thumbnail/{file}/smoke.png" alt="smoke"></span></p>
<p><img src="https://tracker.example/pixel.gif" alt="pixel"><script>alert(1)</script>
<a href="javascript:alert(2)" onclick="alert(3)">click</a> <a href="https://example.com/docs">docs</a>
<a href="{site}/browse/ITH-1">agent view</a> <a href="{site}/servicedesk/customer/portal/1/ITH-1">portal link</a></p>"""


def test_a_description_with_a_table_list_code_quote_mention_and_image_renders_safely(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    with site.fake.state.lock:
        picture = site.fake.state.add_attachment(
            key=item.key, filename="smoke.png", content=solid_png("#ff5630"), mime="image/png",
            author=grace.jira_account_id,
        )  # fmt: skip
        item.rendered["description"] = RICH.format(site=_host(site), file=picture["id"])
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    description = html[html.index('data-field-id="description"') :]
    description = description[: description.index("</dd>")]
    assert "<table>" in description and "<th>Floor</th>" in description and "<td>HP 4000</td>" in description
    assert "<ul><li>first</li>" in description and '<pre>print("hi")</pre>' in description
    assert "<blockquote>" in description and "Ada Lovelace" in description and "<b>printer</b>" in description
    preview = f"/acme/requests/{item.key}/attachments/{picture['id']}/preview/"
    download = f"/acme/requests/{item.key}/attachments/{picture['id']}/"
    assert f'src="{preview}"' in description and f'href="{download}"' in description
    assert "tracker.example" not in description and "<script" not in description and "javascript:" not in description
    assert "onclick" not in description and "/browse/ITH-1" not in description and "people/abc" not in description
    assert 'href="https://example.com/docs"' in description
    assert 'href="/acme/servicedesk/customer/portal/1/ITH-1"' in description
    shown = client.get(preview)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"


def test_an_agents_comment_renders_from_jsm_html_and_a_file_it_may_not_see_stays_hidden(site):
    grace, client = customer_at(site)
    mallory, mallory_client = customer_at(site, email="mallory@example.com", name="Mallory")
    item = raise_request(site, grace)
    agent = next(iter(site.fake.state.accounts.values())).account_id
    with site.fake.state.lock:
        internal = site.fake.state.add_comment(key=item.key, body="internal", public=False, author=agent)
        secret = site.fake.state.add_attachment(
            key=item.key, filename="secret.png", content=solid_png("#000000"), mime="image/png", author=agent,
            comment=internal,
        )  # fmt: skip
        host = _host(site)
        site.fake.state.add_comment(
            key=item.key, body="h3. Fixed", public=True, author=agent,
            html=f'<h3>Fixed</h3><p><img src="{host}/secure/attachment/{secret["id"]}/secret.png" alt="s"></p>',
        )  # fmt: skip
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert "<h3>Fixed</h3>" in html
    assert client.get(f"/acme/requests/{item.key}/attachments/{secret['id']}/preview/").status_code == 404
    assert mallory_client.get(f"/acme/requests/{item.key}/attachments/{secret['id']}/preview/").status_code == 404
    assert "internal" not in html.split('<h2 id="activity">')[1]


def test_a_customers_comment_shows_their_text_without_the_attribution_line(site):
    grace, client = customer_at(site)
    item = raise_request(site, grace)
    client.post(f"/acme/requests/{item.key}/comment/", {"body": "Still *broken*"})
    html = client.get(f"/acme/requests/{item.key}/").content.decode()
    assert "<strong>broken</strong>" in html and "(via the help center)" not in html
