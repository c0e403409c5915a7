"""The fake JSM behaves like Jira where the gateway's code depends on it (specs README facts)."""

import requests

JSM = "/rest/servicedeskapi"


def get(fake, path, auth=("admin@example.com", "t"), **kwargs):
    return requests.get(fake.url + path, auth=auth, timeout=5, **kwargs)


def test_limit_is_capped_silently_and_pages_say_when_they_end(fake_jsm_factory):
    fake = fake_jsm_factory(max_limit=2)
    fake.add_account(email="admin@example.com", token="t")
    fake.state.add_service_desks(3)
    first = get(fake, f"{JSM}/servicedesk", params={"limit": 100}).json()
    assert (first["limit"], first["size"], first["isLastPage"]) == (2, 2, False)
    last = get(fake, f"{JSM}/servicedesk", params={"start": 2, "limit": 100}).json()
    assert (last["size"], last["isLastPage"]) == (1, True)


def test_classic_and_scoped_tokens_only_work_on_their_own_base_url(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    fake_jsm.add_account(email="bot@serviceaccount.atlassian.com", token="s", scoped=True)
    scoped = f"/ex/jira/{fake_jsm.cloud_id}/rest/api/3/myself"
    assert get(fake_jsm, "/rest/api/3/myself").status_code == 200
    assert get(fake_jsm, scoped).status_code == 401
    assert get(fake_jsm, scoped, auth=("bot@serviceaccount.atlassian.com", "s")).status_code == 200
    assert get(fake_jsm, "/rest/api/3/myself", auth=("bot@serviceaccount.atlassian.com", "s")).status_code == 401
    assert get(fake_jsm, "/ex/jira/not-this-site/rest/api/3/myself").status_code == 404


def test_experimental_endpoints_need_the_opt_in_header(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    assert get(fake_jsm, f"{JSM}/servicedesk/1/customer").status_code == 412
    assert get(fake_jsm, f"{JSM}/servicedesk/1/customer", headers={"X-ExperimentalApi": "opt-in"}).status_code == 200


def test_a_desk_can_be_named_by_project_key_or_id(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    desk = fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="4")
    assert get(fake_jsm, f"{JSM}/servicedesk/projectKey:IT").json()["id"] == "4"
    assert get(fake_jsm, f"{JSM}/servicedesk/projectId:{desk['projectId']}").json()["id"] == "4"


def test_faults_answer_per_path_a_limited_number_of_times_and_are_recorded(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    fake_jsm.fail("/rest/api/3/myself", 429, times=1, retry_after=3)
    first, second = get(fake_jsm, "/rest/api/3/myself"), get(fake_jsm, "/rest/api/3/myself")
    assert (first.status_code, first.headers["Retry-After"], second.status_code) == (429, "3", 200)
    assert get(fake_jsm, "/rest/api/3/mypermissions", params={"permissions": "ADMINISTER"}).status_code == 200
    assert [e.status for e in fake_jsm.calls("GET", "/rest/api/3/myself")] == [429, 200]
    assert all("Authorization" not in e.headers for e in fake_jsm.log)
