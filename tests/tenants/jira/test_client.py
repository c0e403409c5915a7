"""The Jira client against the fake JSM: paging, retries, errors, both base URLs."""

import pytest
import responses

from tenants.jira import errors
from tenants.jira.client import JiraClient, RetryPolicy, fetch_cloud_id, scoped_base_url


@pytest.fixture
def site(fake_jsm_factory):
    fake = fake_jsm_factory(max_limit=4)
    fake.add_account(email="admin@example.com", token="classic-token")
    return fake


def classic(fake, token="classic-token", **kwargs):
    return JiraClient(base_url=fake.url, email="admin@example.com", api_token=token, **kwargs)


def test_paging_follows_is_last_page_when_the_server_caps_the_limit(site):
    site.state.add_service_desks(11)
    desks = list(classic(site).service_desks())
    assert [d.project_name for d in desks] == [f"Desk {n}" for n in range(11)]
    pages = site.calls("GET", "/rest/servicedeskapi/servicedesk")
    # The client asked for 50 at a time, the server silently gave 4: it advanced by what came back.
    assert [(p.query["start"], p.query["limit"]) for p in pages] == [("0", "50"), ("4", "50"), ("8", "50")]


def test_429_then_success_honours_retry_after(site, jira_sleeps):
    site.fail("/rest/api/3/myself", 429, times=1, retry_after=7)
    assert classic(site).myself().email == "admin@example.com"
    assert jira_sleeps == [7.0]
    assert [c.status for c in site.calls("GET", "/rest/api/3/myself")] == [429, 200]


def test_503_backs_off_exponentially_with_jitter_then_gives_up(site, jira_sleeps):
    site.fail("/rest/servicedeskapi/servicedesk", 503)
    with pytest.raises(errors.JiraUnavailable):
        list(classic(site).service_desks())
    assert len(jira_sleeps) == 4  # Atlassian: at most 4 retries
    for wait, base in zip(jira_sleeps, [5, 10, 20, 30], strict=True):
        assert 0.7 * base <= wait <= 1.3 * base
    assert len(site.calls("GET", "/rest/servicedeskapi/servicedesk")) == 5


def test_rate_limit_beyond_what_a_caller_may_wait_is_reported_with_the_hint(site, jira_sleeps):
    site.fail("/rest/api/3/myself", 429, retry_after=600)
    with pytest.raises(errors.JiraRateLimited) as caught:
        classic(site).myself()
    assert caught.value.retry_after == 600 and jira_sleeps == []


def test_401_is_bad_credentials_and_mentions_the_scoped_option(site):
    with pytest.raises(errors.JiraBadCredentials) as caught:
        classic(site, token="wrong").myself()
    assert "scoped-token option" in str(caught.value)
    assert "wrong" not in str(caught.value)


def test_a_service_account_on_the_site_url_is_told_to_choose_the_scoped_token(site):
    site.add_account(email="bot@serviceaccount.atlassian.com", token="scoped-token", scoped=True)
    client = JiraClient(base_url=site.url, email="bot@serviceaccount.atlassian.com", api_token="scoped-token")
    with pytest.raises(errors.JiraBadCredentials, match="belongs to a service account: choose the scoped-token"):
        client.myself()


def test_missing_administer_permission_is_visible(site):
    site.add_account(email="agent@example.com", token="agent-token", admin=False)
    client = JiraClient(base_url=site.url, email="agent@example.com", api_token="agent-token")
    assert client.has_permission("ADMINISTER") is False
    assert classic(site).has_permission("ADMINISTER") is True


def test_403_is_not_administrator(site):
    site.fail("/rest/servicedeskapi/customer", 403)
    with pytest.raises(errors.JiraNotAdministrator):
        classic(site).customer_create(email="a@example.com", display_name="A")


def test_scoped_token_calls_the_api_gateway_with_the_cloud_id(site, settings):
    site.add_account(email="bot@serviceaccount.atlassian.com", token="scoped-token", scoped=True)
    site.state.add_service_desks(2)
    settings.GATEWAY_ATLASSIAN_API_URL = site.api_url
    client = JiraClient(
        base_url=scoped_base_url(site.cloud_id),
        email="bot@serviceaccount.atlassian.com",
        api_token="scoped-token",
        scoped=True,
    )
    assert len(list(client.service_desks())) == 2
    paths = [e for e in site.log if e.path == "/rest/servicedeskapi/servicedesk"]
    assert paths and all(e.scoped for e in paths)
    assert client.base_url == f"{site.api_url}/ex/jira/{site.cloud_id}"


def test_redirects_are_not_followed_with_credentials(site):
    site.fail("/rest/api/3/myself", 302)
    with pytest.raises(errors.JiraSiteNotFound, match="redirect"):
        classic(site).myself()
    assert len(site.calls("GET", "/rest/api/3/myself")) == 1


def test_a_dead_site_is_unavailable_not_a_crash(site, jira_sleeps):
    url = site.url
    site.stop()
    client = JiraClient(base_url=url, email="admin@example.com", api_token="classic-token")
    with pytest.raises(errors.JiraUnavailable):
        client.myself()


def test_a_slow_site_times_out_as_unavailable(site):
    site.slow("/rest/api/3/myself", 1.0, times=1)
    client = classic(site, timeout=(1, 0.2), retry=RetryPolicy(max_retries=0))
    with pytest.raises(errors.JiraUnavailable, match="did not answer in time"):
        client.myself()


def test_user_search_is_compared_exactly_despite_prefix_matches(site):
    site.state.add_user(email="ann@example.com.au")
    site.state.add_user(email="ann@example.community")
    exact = site.state.add_user(email="Ann@Example.com")
    client = classic(site)
    assert len(list(client.user_search("ann@example.com"))) == 3
    assert client.user_find_by_email("ANN@example.com").account_id == exact["accountId"]
    assert client.user_find_by_email("an@example.com") is None


def test_existing_customer_email_is_a_typed_conflict(site):
    site.state.add_user(email="bob@example.com")
    with pytest.raises(errors.JiraCustomerExists):
        classic(site).customer_create(email="BOB@example.com", display_name="Bob")
    assert site.calls("POST", "/rest/servicedeskapi/customer")[0].query == {"strictConflictStatusCode": "true"}


def test_portal_calls_round_trip(site):
    desk = site.state.add_service_desk(name="IT", key="IT")
    request_type = site.state.add_request_type(desk_id=desk["id"], name="Get help")
    customer = site.state.add_user(email="c@example.com")
    client = classic(site)
    client.service_desk_customers_add(desk["id"], [customer["accountId"]])
    assert [t.name for t in client.request_types(desk["id"])] == ["Get help"]
    assert [f.field_id for f in client.request_type_fields(desk["id"], request_type["id"])] == [
        "summary",
        "description",
    ]
    created = client.request_create(
        service_desk_id=desk["id"],
        request_type_id=request_type["id"],
        field_values={"summary": "Printer on fire"},
        on_behalf_of=customer["accountId"],
    )
    assert created.reporter_account_id == customer["accountId"] and created.summary == "Printer on fire"
    client.comment_create(created.issue_key, body="Internal note", public=False)
    client.comment_create(created.issue_key, body="We are on it", public=True)
    assert [c.body for c in client.comments(created.issue_key)] == ["We are on it"]
    assert [r.issue_key for r in client.requests(service_desk_id=desk["id"])] == [created.issue_key]
    with pytest.raises(errors.JiraRequestRejected, match="Summary is required"):
        client.request_create(
            service_desk_id=desk["id"], request_type_id=request_type["id"], field_values={}, on_behalf_of=""
        )


def test_an_answer_larger_than_the_cap_is_refused_not_read(jira, fake_jsm, settings):
    from tenants.jira.errors import JiraRequestRejected
    from tenants.services import jira_client

    fake_jsm.state.add_service_desks(40)
    settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES = 2048
    with pytest.raises(JiraRequestRejected, match="larger than"):
        list(jira_client(connection=jira).service_desks())
    settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES = 1024 * 1024
    assert len(list(jira_client(connection=jira).service_desks())) == 40


def request_with_attachment(fake, content: bytes) -> tuple[str, str]:
    desk = fake.state.add_service_desk(name="IT", key="IT")
    request_type = fake.state.add_request_type(desk_id=desk["id"], name="Get help")
    reporter = fake.state.add_user(email="c@example.com")["accountId"]
    request = fake.state.add_request(
        desk_id=desk["id"], request_type_id=request_type["id"], reporter=reporter, values={"summary": "Logs"}
    )
    attachment = fake.state.add_attachment(
        key=request.key, filename="log.txt", content=content, mime="text/plain", author=reporter
    )
    return request.key, attachment["id"]


def test_an_attachment_comes_from_its_media_url_without_the_accounts_credentials(site):
    key, attachment_id = request_with_attachment(site, b"boom")
    assert classic(site).request_attachment_content(key, attachment_id) == (b"boom", "text/plain")
    [asked] = site.calls("GET", f"/rest/servicedeskapi/request/{key}/attachment/{attachment_id}")
    [media] = [call for call in site.log if call.path.startswith("/media/")]
    assert asked.status == 303 and asked.authorization.startswith("Basic ")
    assert media.status == 200 and media.authorization == ""


def test_an_attachment_larger_than_the_cap_is_refused_not_read(site, settings):
    key, attachment_id = request_with_attachment(site, b"x" * 4096)
    settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES = 2048
    with pytest.raises(errors.JiraRequestRejected, match="larger than"):
        classic(site).request_attachment_content(key, attachment_id)


def test_an_upload_is_sent_again_after_a_429_but_not_after_a_500(site, jira_sleeps):
    desk = site.state.add_service_desk(name="IT", key="IT")
    path = f"/rest/servicedeskapi/servicedesk/{desk['id']}/attachTemporaryFile"
    upload = {"filename": "log.txt", "content": b"boom", "content_type": "text/plain"}
    site.fail(path, 429, times=1, retry_after=2)
    [temp] = classic(site).attach_temporary_file(desk["id"], **upload)
    assert temp.filename == "log.txt" and jira_sleeps == [2.0]
    assert [(c.status, c.files[0]["content"]) for c in site.calls("POST", path)] == [(429, b"boom"), (201, b"boom")]
    site.fail(path, 500, times=1)
    with pytest.raises(errors.JiraUnavailable):
        classic(site).attach_temporary_file(desk["id"], **upload)
    assert [c.status for c in site.calls("POST", path)] == [429, 201, 500] and jira_sleeps == [2.0]


def test_the_cloud_id_is_read_without_credentials_and_within_the_cap(site, settings):
    assert fetch_cloud_id(site.url) == site.cloud_id
    [asked] = site.calls("GET", "/_edge/tenant_info")
    assert asked.authorization == "" and asked.headers["User-Agent"] == "jsm-sso-gateway"
    settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES = 10
    with pytest.raises(errors.JiraRequestRejected, match="larger than"):
        fetch_cloud_id(site.url)
    url = site.url
    site.stop()
    with pytest.raises(errors.JiraUnavailable, match="Could not reach Jira"):
        fetch_cloud_id(url)


# -- an attachment's redirect: Atlassian's media store only, once
def test_an_attachment_redirected_outside_the_media_store_is_refused_and_not_fetched(site, settings):
    key, attachment_id = request_with_attachment(site, b"boom")
    settings.GATEWAY_JIRA_MEDIA_HOSTS = ["api.media.atlassian.com"]  # the default: the fake's 127.0.0.1 is not it
    with pytest.raises(errors.JiraRequestRejected, match="127.0.0.1, which is not Atlassian's media store"):
        classic(site).request_attachment_content(key, attachment_id)
    assert [call for call in site.log if call.path.startswith("/media/")] == []


SITE = "https://acme.atlassian.net"
ATTACHMENT = f"{SITE}/rest/servicedeskapi/request/IT-1/attachment/10001"
MEDIA = "https://api.media.atlassian.com/file/5f0e/binary?token=one-time"


@responses.activate
@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://api.media.atlassian.com.attacker.example/file",
        "/media/relative",
        "ftp://api.media.atlassian.com/file",
    ],
)
def test_jira_cannot_send_the_gateway_anywhere_with_an_attachment_redirect(location, settings):
    settings.GATEWAY_JIRA_MEDIA_HOSTS = ["api.media.atlassian.com"]
    responses.get(ATTACHMENT, status=303, headers={"Location": location})
    client = JiraClient(base_url=SITE, email="admin@example.com", api_token="classic-token")
    with pytest.raises(errors.JiraRequestRejected, match="not Atlassian's media store"):
        client.request_attachment_content("IT-1", "10001")
    assert [call.request.url for call in responses.calls] == [ATTACHMENT]


@responses.activate
def test_a_second_redirect_is_never_followed(settings):
    settings.GATEWAY_JIRA_MEDIA_HOSTS = ["api.media.atlassian.com"]
    responses.get(ATTACHMENT, status=303, headers={"Location": MEDIA})
    responses.get(MEDIA, status=302, headers={"Location": "https://api.media.atlassian.com/elsewhere"})
    client = JiraClient(base_url=SITE, email="admin@example.com", api_token="classic-token")
    with pytest.raises(errors.JiraRequestRejected, match="follows one redirect only"):
        client.request_attachment_content("IT-1", "10001")
    assert [call.request.url for call in responses.calls] == [ATTACHMENT, MEDIA]
    assert "Authorization" not in responses.calls[1].request.headers


@responses.activate
def test_the_media_store_answer_is_read_within_the_cap(settings):
    settings.GATEWAY_JIRA_MEDIA_HOSTS = ["api.media.atlassian.com"]
    settings.GATEWAY_JIRA_MAX_RESPONSE_BYTES = 1024
    responses.get(ATTACHMENT, status=303, headers={"Location": MEDIA})
    responses.get(MEDIA, body=b"x" * 4096, content_type="application/pdf")
    client = JiraClient(base_url=SITE, email="admin@example.com", api_token="classic-token")
    with pytest.raises(errors.JiraRequestRejected, match="larger than"):
        client.request_attachment_content("IT-1", "10001")


def test_a_site_url_that_resolves_inside_is_a_wrong_site_not_an_outage(settings, fake_dns):
    """Refused at connect time: no retry, no "try again in a few minutes", and the admin reads why."""
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    fake_dns.answers["jira.attacker.example"] = ["10.0.0.5"]
    client = JiraClient(base_url="https://jira.attacker.example", email="admin@example.com", api_token="t")
    with pytest.raises(errors.JiraSiteNotFound) as caught:
        client.myself()
    assert "jira.attacker.example resolves to 10.0.0.5, a private address (RFC 1918)" in str(caught.value)
    assert not isinstance(caught.value, errors.JiraTransientError)
