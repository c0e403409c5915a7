"""The create form for every field JSM's request type field API describes (issue 15, item 1): cascading selects,
the organizations field, "share with" at creation, user pickers limited to the desk's customers, single versions,
hidden fields with preset values, a clear notice for a field the portal cannot render; attachments in the create
call itself, so a refusal never leaves a request behind that a resend duplicates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fakes.jsm.fields import EVERY_FIELD, MORE_FIELDS, hidden_preset
from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


def _fields(*ids, extra=()):
    every = {f["fieldId"]: f for f in EVERY_FIELD + MORE_FIELDS}
    return [dict(every[i]) for i in ids] + [dict(f) for f in extra]


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def _type(site, *ids, extra=(), name="Rich form"):
    with site.fake.state.lock:
        return site.fake.state.add_request_type(desk_id=site.desk.jira_id, name=name, fields=_fields(*ids, extra=extra))


def _url(site, request_type):
    return f"/acme/portal/{site.desk.jira_id}/create/{request_type['id']}/"


def test_a_cascading_select_offers_each_parent_and_its_children_and_sends_jiras_format(site):
    kind = _type(site, "summary", "customfield_10020")
    _, client = customer_at(site)
    html = client.get(_url(site, kind)).content.decode()
    assert '<optgroup label="Hardware">' in html and ">Hardware › Laptop</option>" in html
    assert 'value="300:301"' in html and 'value="320"' in html
    site.fake.reset_log()
    assert client.post(_url(site, kind), {"summary": "Dock", "customfield_10020": "300:302"}).status_code == 302
    [create] = site.fake.calls("POST", f"{JSM}/request")
    assert create.body["requestFieldValues"]["customfield_10020"] == {"id": "300", "child": {"id": "302"}}
    key = create.response_body["issueKey"]
    assert "Hardware › Dock" in client.get(f"/acme/requests/{key}/").content.decode()
    assert client.post(_url(site, kind), {"summary": "x", "customfield_10020": "300:311"}).status_code == 400
    assert client.post(_url(site, kind), {"summary": "Other", "customfield_10020": "320"}).status_code == 302
    assert site.fake.calls("POST", f"{JSM}/request")[-1].body["requestFieldValues"]["customfield_10020"] == {
        "id": "320"
    }


def test_the_organizations_field_offers_the_customers_own_organizations_and_shares_the_request(site):
    kind = _type(site, "summary", "customfield_10021")
    grace, client = customer_at(site)
    colleague, colleague_client = customer_at(site, email="alan@example.com", name="Alan Turing")
    acme = site.fake.state.add_organization("Acme Corp")
    acme["users"] |= {grace.jira_account_id, colleague.jira_account_id}
    site.fake.state.add_organization("Not Grace's")
    html = client.get(_url(site, kind)).content.decode()
    assert "Acme Corp" in html and "Not Grace" not in html
    response = client.post(_url(site, kind), {"summary": "For the team", "customfield_10021": [acme["id"]]})
    assert response.status_code == 302
    [create] = site.fake.calls("POST", f"{JSM}/request")
    assert create.body["requestFieldValues"]["customfield_10021"] == [int(acme["id"])]
    assert "For the team" in colleague_client.get("/acme/requests/").content.decode()
    forged = client.post(_url(site, kind), {"summary": "x", "customfield_10021": ["999"]})
    assert forged.status_code == 400 and len(site.fake.calls("POST", f"{JSM}/request")) == 1


def test_share_with_at_creation_adds_participants_and_a_refusal_creates_nothing(site):
    kind = _type(site, "summary")
    grace, client = customer_at(site)
    alan, alan_client = customer_at(site, email="alan@example.com", name="Alan Turing")
    html = client.get(_url(site, kind)).content.decode()
    assert "Share with" in html
    refused = client.post(_url(site, kind), {"summary": "Shared", "share_with": "nobody@example.com"})
    assert refused.status_code == 400 and "can be shared only with other customers" in refused.content.decode()
    assert not site.fake.calls("POST", f"{JSM}/request")
    assert client.post(_url(site, kind), {"summary": "Shared", "share_with": "ALAN@example.com"}).status_code == 302
    [create] = site.fake.calls("POST", f"{JSM}/request")
    assert create.body["requestParticipants"] == [alan.jira_account_id]
    assert "Shared" in alan_client.get("/acme/requests/").content.decode()


def test_no_share_with_field_where_the_desk_turned_sharing_off(site):
    site.desk.sharing = site.desk.Sharing.OFF
    site.desk.save()
    _, client = customer_at(site)
    assert "Share with" not in client.get(_url(site, _type(site, "summary"))).content.decode()


def test_a_user_picker_takes_only_a_customer_of_the_desk_never_any_jira_user(site):
    kind = _type(site, "summary", "customfield_10022")
    grace, client = customer_at(site)
    alan, _ = customer_at(site, email="alan@example.com", name="Alan Turing")
    site.fake.state.add_user(email="agent@example.com", account_type="atlassian")
    refused = client.post(_url(site, kind), {"summary": "x", "customfield_10022": "agent@example.com"})
    assert refused.status_code == 400 and "No customer of this help desk has the address" in refused.content.decode()
    assert not site.fake.calls("GET", "/rest/api/3/user/search") or all(
        "agent" not in str(e.query) for e in site.fake.calls("GET", "/rest/api/3/user/search")
    )
    assert client.post(_url(site, kind), {"summary": "x", "customfield_10022": "alan@example.com"}).status_code == 302
    [create] = site.fake.calls("POST", f"{JSM}/request")
    assert create.body["requestFieldValues"]["customfield_10022"] == {"accountId": alan.jira_account_id}


def test_a_single_version_and_a_hidden_preset_are_sent_as_jira_expects(site):
    kind = _type(site, "summary", "customfield_10023", extra=[hidden_preset()])
    _, client = customer_at(site)
    html = client.get(_url(site, kind)).content.decode()
    assert "Channel" not in html and 'name="customfield_10030"' not in html
    assert client.post(_url(site, kind), {"summary": "v", "customfield_10023": "400"}).status_code == 302
    [create] = site.fake.calls("POST", f"{JSM}/request")
    values = create.body["requestFieldValues"]
    assert values["customfield_10023"] == {"id": "400"} and values["customfield_10030"] == {"id": "500"}


def test_a_field_the_portal_cannot_render_is_named_never_silently_dropped(site):
    optional = _type(site, "summary", "customfield_10024", name="Optional asset")
    blocked = _type(site, "summary", extra=[dict(MORE_FIELDS[-1], required=True)], name="Needs an asset")
    _, client = customer_at(site)
    html = client.get(_url(site, optional)).content.decode()
    assert "This form leaves out “Asset”" in html and 'name="summary"' in html
    html = client.get(_url(site, blocked)).content.decode()
    assert "cannot be raised here: it needs “Asset”" in html and 'name="summary"' not in html


def test_files_go_in_the_create_call_so_a_refused_request_leaves_nothing_and_a_resend_makes_one(site):
    kind = _type(site, "summary", "attachment")
    grace, client = customer_at(site)
    site.fake.fail(f"{JSM}/request", 400, times=1, method="POST")

    def send():
        upload = SimpleUploadedFile("log.txt", b"boom", content_type="text/plain")
        return client.post(_url(site, kind), {"summary": "Once", "attachment": [upload]})

    assert send().status_code == 400
    assert not site.fake.state.requests
    assert send().status_code == 302
    [made] = site.fake.state.requests.values()
    assert [a["filename"] for a in made.attachments] == ["log.txt"]
    assert not site.fake.calls("POST", f"{JSM}/request/{made.key}/attachment")
    html = client.get(f"/acme/requests/{made.key}/").content.decode()
    assert "log.txt" in html
