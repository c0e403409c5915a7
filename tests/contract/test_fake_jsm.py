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


def post(fake, path, body, auth=("admin@example.com", "t")):
    return requests.post(fake.url + path, json=body, auth=auth, timeout=5)


def test_restricted_request_types_are_listed_to_administrators_only_and_can_be_filtered(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    fake_jsm.add_account(email="agent@example.com", token="a", admin=False)
    fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    fake_jsm.state.add_request_type(desk_id="1", name="Open")
    fake_jsm.state.add_request_type(desk_id="1", name="Board only", restricted=True, group=None)
    names = [t["name"] for t in get(fake_jsm, f"{JSM}/servicedesk/1/requesttype").json()["values"]]
    assert names == ["Open", "Board only"]
    agent = get(fake_jsm, f"{JSM}/servicedesk/1/requesttype", auth=("agent@example.com", "a")).json()
    assert [t["name"] for t in agent["values"]] == ["Open"]
    restricted = get(fake_jsm, f"{JSM}/servicedesk/1/requesttype", params={"restrictionStatus": "restricted"}).json()
    assert [(t["name"], t["groupIds"], t["restrictionStatus"]) for t in restricted["values"]] == [
        ("Board only", [], "RESTRICTED")
    ]


def test_files_come_with_a_comment_as_visible_as_public_says(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    desk = fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    kind = fake_jsm.state.add_request_type(desk_id="1", name="Help")
    reporter = fake_jsm.state.add_user(email="c@example.com")["accountId"]
    key = fake_jsm.state.add_request(desk_id=desk["id"], request_type_id=kind["id"], reporter=reporter, values={}).key
    files = [("file", ("note.txt", b"secret", "text/plain"))]
    upload = requests.post(
        fake_jsm.url + f"{JSM}/servicedesk/1/attachTemporaryFile",
        files=files,
        auth=("admin@example.com", "t"),
        headers={"X-Atlassian-Token": "no-check"},
        timeout=5,
    ).json()
    temp = upload["temporaryAttachments"][0]["temporaryAttachmentId"]
    made = post(fake_jsm, f"{JSM}/request/{key}/attachment", {"temporaryAttachmentIds": [temp], "public": False})
    assert made.status_code == 201 and made.json()["comment"]["public"] is False
    public = get(fake_jsm, f"{JSM}/request/{key}/comment", params={"public": "true", "internal": "false"}).json()
    assert public["values"] == []
    every = get(fake_jsm, f"{JSM}/request/{key}/comment", params={"expand": "attachment"}).json()["values"]
    assert [a["filename"] for a in every[0]["attachments"]["values"]] == ["note.txt"]
    assert "attachments" not in get(fake_jsm, f"{JSM}/request/{key}/comment").json()["values"][0]


def test_jql_text_search_reads_internal_comments_as_jira_does_for_an_agent(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    desk = fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    kind = fake_jsm.state.add_request_type(desk_id="1", name="Help")
    reporter = fake_jsm.state.add_user(email="c@example.com")["accountId"]
    values = {"summary": "Printer", "description": "It smokes"}
    key = fake_jsm.state.add_request(
        desk_id=desk["id"], request_type_id=kind["id"], reporter=reporter, values=values
    ).key
    fake_jsm.state.add_comment(key=key, body="VIP customer", public=False, author=reporter)

    def keys(clause):
        answer = post(fake_jsm, "/rest/api/3/search/jql", {"jql": f'project in ("IT") AND {clause}'})
        assert answer.status_code == 200, answer.text
        return [i["key"] for i in answer.json()["issues"]]

    assert keys('text ~ "vip"') == [key] and keys('comment ~ "VIP customer"') == [key]
    assert keys('(summary ~ "vip" OR description ~ "vip")') == []
    assert keys('(summary ~ "smokes" OR description ~ "smokes")') == [key]
    assert keys('comment ~ "vip" AND NOT (summary ~ "vip" OR description ~ "vip")') == [key]
    assert keys('(summary ~ "a AND b" OR description ~ "a AND b")') == []


def test_desk_customers_can_be_filtered_by_email_or_name(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    for email in ("ann@example.com", "bob@example.com"):
        fake_jsm.state.desk_customers["1"].add(fake_jsm.state.add_user(email=email)["accountId"])
    found = get(
        fake_jsm, f"{JSM}/servicedesk/1/customer", params={"query": "ANN@"}, headers={"X-ExperimentalApi": "opt-in"}
    )
    assert [u["emailAddress"] for u in found.json()["values"]] == ["ann@example.com"]


def test_dates_carry_jiras_plus_0000_offsets_and_private_profiles_hide_their_email(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    desk = fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    kind = fake_jsm.state.add_request_type(desk_id="1", name="Help")
    hidden = fake_jsm.state.add_user(email="quiet@example.com", private=True)["accountId"]
    key = fake_jsm.state.add_request(desk_id=desk["id"], request_type_id=kind["id"], reporter=hidden, values={}).key
    request = get(fake_jsm, f"{JSM}/request/{key}").json()
    assert request["createdDate"]["iso8601"].endswith("+0000") and request["createdDate"]["jira"].endswith("+0000")
    assert request["reporter"]["emailAddress"] is None
    found = post(fake_jsm, "/rest/api/3/search/jql", {"jql": 'project in ("IT") AND (reporter = "x")'}).json()
    assert found == {"issues": []}
    bean = post(fake_jsm, "/rest/api/3/search/jql", {"jql": f'project in ("IT") AND (reporter = "{hidden}")'}).json()
    assert bean["issues"][0]["fields"]["updated"].endswith("+0000")


def test_approvals_and_status_history_read_as_an_agent(fake_jsm):
    fake_jsm.add_account(email="admin@example.com", token="t")
    desk = fake_jsm.state.add_service_desk(name="IT", key="IT", desk_id="1")
    kind = fake_jsm.state.add_request_type(desk_id="1", name="Help")
    boss = fake_jsm.state.add_user(email="boss@example.com")["accountId"]
    key = fake_jsm.state.add_request(desk_id=desk["id"], request_type_id=kind["id"], reporter=boss, values={}).key
    approval = fake_jsm.state.add_approval(key=key, approvers=[boss])
    fake_jsm.state.decide_approval(approval, account_id=boss, decision="declined")
    fake_jsm.state.set_status(key, "Declined", "DONE")
    [dto] = get(fake_jsm, f"{JSM}/request/{key}/approval").json()["values"]
    assert dto["finalDecision"] == "declined" and dto["canAnswerApproval"] is False
    assert dto["approvers"][0]["approverDecision"] == "declined" and "completedDate" in dto
    statuses = get(fake_jsm, f"{JSM}/request/{key}/status").json()["values"]
    assert [s["status"] for s in statuses] == ["Declined", "Waiting for support"]
