"""Create request: the form built from field metadata of every type, JSM's validation
mirrored with what was typed kept, attachments through attachTemporaryFile, raiseOnBehalfOf."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal.jsm_portal import customer_at, portal_site

pytestmark = pytest.mark.django_db

JSM = "/rest/servicedeskapi"


@pytest.fixture
def site(tenant, fake_jsm):
    return portal_site(tenant, fake_jsm)


def create_url(site, request_type):
    return f"/acme/portal/{site.desk.jira_id}/create/{request_type['id']}/"


def control(html: str, name: str) -> str:
    """The HTML of the form control(s) named `name`."""
    return " ".join(re.findall(rf'<(?:input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html))


def test_every_field_type_renders_as_the_control_a_customer_expects(site):
    _, client = customer_at(site)
    html = client.get(create_url(site, site.hardware)).content.decode()
    assert 'type="text"' in control(html, "summary") and "required" in control(html, "summary")
    assert "<textarea" in control(html, "description")
    assert "<select" in control(html, "customfield_10001") and ">Laptop</option>" in html
    assert "multiple" in control(html, "customfield_10002")
    assert control(html, "customfield_10003").count('type="radio"') == 3
    assert control(html, "customfield_10004").count('type="checkbox"') == 2
    assert 'type="number"' in control(html, "customfield_10005")
    assert 'type="date"' in control(html, "customfield_10006")
    assert 'type="datetime-local"' in control(html, "customfield_10007")
    assert 'type="url"' in control(html, "customfield_10008")
    assert 'type="text"' in control(html, "labels")
    assert 'type="file"' in control(html, "attachment") and "multiple" in control(html, "attachment")
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    for label in ("Summary", "Device", "Colours", "Urgency", "Affected", "Quantity", "Needed by", "Meeting", "Link"):
        assert f"{label}" in html
    assert re.search(r'<label for="id_customfield_10001">Device <span class="required"', html)


def test_the_json_sent_to_jsm_uses_the_field_input_formats(site):
    customer, client = customer_at(site)
    site.fake.reset_log()
    response = client.post(
        create_url(site, site.hardware),
        {
            "summary": "  New laptop  ",
            "description": "My *old* one broke",
            "customfield_10001": "10100",
            "customfield_10002": ["20", "22"],
            "customfield_10003": "21",
            "customfield_10004": ["10101"],
            "customfield_10005": "2.5",
            "customfield_10006": "2026-12-01",
            "customfield_10007": "2026-12-01T09:30",
            "customfield_10008": "https://example.com/spec",
            "labels": "laptop, urgent  hardware",
            "customfield_10009": "",
            "attachment": [SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [create] = site.fake.calls("POST", f"{JSM}/request")
    [upload] = site.fake.calls("POST", f"{JSM}/servicedesk/{site.desk.jira_id}/attachTemporaryFile")
    assert create.body == {
        "serviceDeskId": site.desk.jira_id,
        "requestTypeId": site.hardware["id"],
        "raiseOnBehalfOf": customer.jira_account_id,
        "requestFieldValues": {
            "summary": "New laptop",
            "description": "My *old* one broke",
            "customfield_10001": {"id": "10100"},
            "customfield_10002": [{"id": "20"}, {"id": "22"}],
            "customfield_10003": {"id": "21"},
            "customfield_10004": [{"id": "10101"}],
            "customfield_10005": 2.5,
            "customfield_10006": "2026-12-01",
            "customfield_10007": "2026-12-01T09:30:00.000+0000",
            "customfield_10008": "https://example.com/spec",
            "labels": ["laptop", "urgent", "hardware"],
            "attachment": [upload.response_body["temporaryAttachments"][0]["temporaryAttachmentId"]],
        },
    }
    assert upload.headers["X-Atlassian-Token"] == "no-check"
    assert [(p["name"], p["filename"], p["content"]) for p in upload.files] == [
        ("file", "receipt.pdf", b"%PDF-1.4 test")
    ]
    key = create.response_body["issueKey"]
    assert not site.fake.calls("POST", f"{JSM}/request/{key}/attachment")  # in the create call, not after it
    [stored] = site.fake.state.requests[key].attachments
    assert (stored["filename"], stored["author"]) == ("receipt.pdf", customer.jira_account_id)
    assert response["Location"] == f"/acme/requests/{key}/"
    assert site.fake.state.requests[key].reporter == customer.jira_account_id


def test_whole_numbers_are_sent_as_integers_and_optional_fields_are_left_out(site):
    _, client = customer_at(site)
    site.fake.reset_log()
    client.post(
        create_url(site, site.hardware), {"summary": "x", "customfield_10001": "10101", "customfield_10005": "3"}
    )
    [create] = site.fake.calls("POST", f"{JSM}/request")
    assert create.body["requestFieldValues"] == {
        "summary": "x",
        "customfield_10001": {"id": "10101"},
        "customfield_10005": 3,
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("customfield_10001", "99999", "Select a valid choice"),
        ("customfield_10002", ["20", "nope"], "Select a valid choice"),
        ("customfield_10005", "many", "Enter a number"),
        ("customfield_10006", "01/12/2026", "Enter a valid date"),
        ("customfield_10007", "tomorrow", "Enter a valid date/time"),
        ("customfield_10008", "javascript:alert(1)", "Enter a valid URL"),
        ("summary", "x" * 256, "at most 255 characters"),
    ],
)
def test_invalid_values_are_refused_next_to_the_field_and_nothing_reaches_jira(site, name, value, message):
    _, client = customer_at(site)
    site.fake.reset_log()
    data = {"summary": "Keep me", "customfield_10001": "10100", "customfield_10009": "TAG-1", name: value}
    response = client.post(create_url(site, site.hardware), data)
    html = response.content.decode()
    assert response.status_code == 400
    block = html.split(f'data-field-id="{name}"')[1].split('data-field-id="')[0]
    assert message in block
    assert 'value="TAG-1"' in html
    if name != "summary":
        assert 'value="Keep me"' in html
    assert site.fake.calls("POST", f"{JSM}/request") == []


def test_required_fields_are_required_and_blank_text_counts_as_missing(site):
    _, client = customer_at(site)
    response = client.post(create_url(site, site.hardware), {"summary": "   ", "customfield_10009": "kept"})
    html = response.content.decode()
    assert response.status_code == 400 and "Please fix the 2 problems below" in html
    assert html.count("This field is required.") == 2 and 'value="kept"' in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream"), "does not accept"),
        (SimpleUploadedFile("big.txt", b"x" * 2048, content_type="text/plain"), "files may be at most 1.0"),
        (SimpleUploadedFile("empty.txt", b"", content_type="text/plain"), "is empty"),
    ],
)
def test_uploads_are_limited_in_size_and_type_with_clear_messages(site, settings, upload, message):
    settings.GATEWAY_UPLOAD_MAX_BYTES = 1024
    _, client = customer_at(site)
    site.fake.reset_log()
    data = {"summary": "s", "customfield_10001": "10100", "attachment": [upload]}
    response = client.post(create_url(site, site.hardware), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert [e for e in site.fake.log if e.method == "POST"] == []


def test_jira_refusing_a_value_is_shown_on_the_form_with_the_input_kept(site):
    _, client = customer_at(site)
    client.get(create_url(site, site.hardware))  # JSM's option list changes after the gateway cached the metadata
    with site.fake.state.lock:
        site.fake.state.request_types[site.desk.jira_id][0]["fields"][2]["validValues"] = []
    response = client.post(create_url(site, site.hardware), {"summary": "Still here", "customfield_10001": "10100"})
    html = response.content.decode()
    assert response.status_code == 400 and "did not accept the request" in html and "valid option" in html
    assert 'value="Still here"' in html


def test_a_customer_not_provisioned_yet_is_told_access_is_being_set_up_and_nothing_is_raised(site):
    customer, client = customer_at(site, provision=False)
    site.fake.fail("/rest/api/3/user/search", 503)
    response = client.post(create_url(site, site.question), {"summary": "Hello"})
    assert "setting up your access" in response.content.decode()
    assert site.fake.calls("POST", f"{JSM}/request") == []
    customer.refresh_from_db()
    assert customer.jira_account_id == ""


def test_an_unknown_request_type_is_a_404_page(site):
    _, client = customer_at(site)
    response = client.get(f"/acme/portal/{site.desk.jira_id}/create/424242/")
    assert response.status_code == 404 and b"not available" in response.content


def test_the_create_form_needs_sign_in_and_csrf(site, factory_idp_discovered):
    from django.test import Client

    from tests.helpers.signin import sign_in_started

    customer, _ = customer_at(site)
    response = Client().get(create_url(site, site.question))
    assert sign_in_started(response).next_path == create_url(site, site.question)
    from tests.helpers import signed_in

    strict = signed_in(customer, Client(enforce_csrf_checks=True))
    assert strict.post(create_url(site, site.question), {"summary": "x"}).status_code == 403


def test_jira_down_at_submit_keeps_everything_typed_and_says_to_send_again(site):
    _, client = customer_at(site)
    client.get(create_url(site, site.hardware))  # metadata cached while Jira was up
    site.fake.fail("/rest/servicedeskapi/request", 503)
    response = client.post(
        create_url(site, site.hardware),
        {"summary": "Please keep this", "customfield_10001": "10101", "customfield_10009": "TAG-9"},
    )
    html = response.content.decode()
    assert response.status_code == 503 and "your request was not sent yet" in html
    assert 'value="Please keep this"' in html and 'value="TAG-9"' in html
    assert '<option value="10101" selected>' in html
    site.fake.heal()
    again = client.post(create_url(site, site.hardware), {"summary": "Please keep this", "customfield_10001": "10101"})
    assert again.status_code == 302


def test_a_file_over_jiras_own_limit_is_a_message_on_the_form(site, settings, monkeypatch):
    settings.GATEWAY_UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # the gateway allows more than this Jira site does
    monkeypatch.setattr("fakes.jsm.handlers_portal.MAX_ATTACHMENT_BYTES", 10)
    _, client = customer_at(site)
    big = SimpleUploadedFile("log.txt", b"x" * 11, content_type="text/plain")
    response = client.post(
        create_url(site, site.hardware), {"summary": "Kept", "customfield_10001": "10100", "attachment": [big]}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "exceeds the maximum configured attachment size" in html
    assert 'value="Kept"' in html and site.fake.calls("POST", f"{JSM}/request") == []
