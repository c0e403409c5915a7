"""The service desk sync: upsert in bulk, vanished desks inactive, runs recorded, failures harmless."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants import services
from tenants.models import ServiceDesk, SyncRun
from tenants.tasks import service_desks_sync_all, service_desks_sync_tenant


def sync(tenant, trigger=SyncRun.Trigger.ADMIN):
    return services.service_desks_sync(tenant=tenant, trigger=trigger)


def active(tenant):
    return {d.jira_id: d.project_name for d in ServiceDesk.objects.filter(tenant=tenant, is_active=True)}


def test_first_sync_creates_desks_with_stable_substitute_links(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desk(name="IT Help", key="IT", desk_id="3")
    fake_jsm.state.add_service_desk(name="HR", key="HR", desk_id="7")
    run = sync(tenant)
    assert (run.outcome, run.desks_seen, run.desks_created, run.trigger) == ("success", 2, 2, "admin")
    desk = ServiceDesk.objects.get(tenant=tenant, jira_id="3")
    assert desk.get_absolute_url() == "/acme/portal/3/"
    assert desk.portal_url == f"{fake_jsm.url}/servicedesk/customer/portal/3"

    fake_jsm.state.service_desks["3"]["projectName"] = "IT Service Centre"
    run = sync(tenant)
    desk.refresh_from_db()
    assert (run.desks_created, run.desks_updated) == (0, 1)
    assert desk.project_name == "IT Service Centre" and desk.get_absolute_url() == "/acme/portal/3/"


def test_vanished_desks_become_inactive_and_come_back(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desks(3)
    sync(tenant)
    gone = fake_jsm.state.service_desks.pop("2")
    run = sync(tenant)
    assert run.desks_deactivated == 1 and set(active(tenant)) == {"1", "3"}
    assert not ServiceDesk.objects.get(tenant=tenant, jira_id="2").is_active
    fake_jsm.state.service_desks["2"] = gone
    run = sync(tenant)
    assert set(active(tenant)) == {"1", "2", "3"} and run.desks_updated == 1


def _desk_writes(captured) -> list[str]:
    """The statements of a sync that wrote service desk rows, by their first word."""
    sqls = [q["sql"] for q in captured.captured_queries if "tenants_servicedesk" in q["sql"]]
    return [sql.split()[0].upper() for sql in sqls if not sql.lstrip().upper().startswith("SELECT")]


def test_an_unchanged_resync_rewrites_no_desk_but_marks_every_one_seen(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desks(3)
    sync(tenant)
    before = dict(ServiceDesk.objects.filter(tenant=tenant).values_list("jira_id", "last_synced_at"))
    with CaptureQueriesContext(connection) as captured:
        run = sync(tenant)
    assert (run.desks_seen, run.desks_created, run.desks_updated, run.desks_deactivated) == (3, 0, 0, 0)
    assert "INSERT" not in _desk_writes(captured)  # no upsert of unchanged rows
    after = dict(ServiceDesk.objects.filter(tenant=tenant).values_list("jira_id", "last_synced_at"))
    assert set(after) == set(before) and all(after[key] > before[key] for key in before)
    assert set(active(tenant)) == set(before)


def test_only_the_changed_desk_is_upserted_and_counted(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desks(3)
    sync(tenant)
    fake_jsm.state.service_desks["2"]["projectName"] = "Renamed"
    fake_jsm.state.service_desks["3"]["projectKey"] = "NEWKEY"
    with CaptureQueriesContext(connection) as captured:
        run = sync(tenant)
    assert (run.desks_created, run.desks_updated, run.desks_deactivated) == (0, 2, 0)
    assert _desk_writes(captured).count("INSERT") == 1
    desks = {d.jira_id: d for d in ServiceDesk.objects.filter(tenant=tenant)}
    assert (desks["2"].project_name, desks["3"].project_key) == ("Renamed", "NEWKEY")
    assert desks["1"].last_synced_at == desks["2"].last_synced_at == desks["3"].last_synced_at


def test_a_desk_made_inactive_or_with_another_portal_url_is_rewritten(tenant, jira, fake_jsm):
    """Same name and key in Jira, but the stored row differs: the sync repairs it, it is not "unchanged"."""
    fake_jsm.state.add_service_desks(3)
    sync(tenant)
    ServiceDesk.objects.filter(tenant=tenant, jira_id="1").update(is_active=False)
    ServiceDesk.objects.filter(tenant=tenant, jira_id="2").update(portal_url="https://old.example/portal/2")
    run = sync(tenant)
    assert (run.desks_created, run.desks_updated, run.desks_deactivated) == (0, 2, 0)
    assert set(active(tenant)) == {"1", "2", "3"}
    desk = ServiceDesk.objects.get(tenant=tenant, jira_id="2")
    assert desk.portal_url == f"{fake_jsm.url}/servicedesk/customer/portal/2"


def test_new_changed_unchanged_and_vanished_desks_in_one_sync(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desks(3)
    sync(tenant)
    fake_jsm.state.service_desks.pop("1")
    fake_jsm.state.service_desks["2"]["projectName"] = "Renamed"
    fake_jsm.state.add_service_desk(name="New", key="NEW", desk_id="9")
    run = sync(tenant)
    assert (run.desks_seen, run.desks_created, run.desks_updated, run.desks_deactivated) == (3, 1, 1, 1)
    assert active(tenant) == {"2": "Renamed", "3": "Desk 2", "9": "New"}


def test_a_failed_sync_keeps_the_last_good_list_and_records_the_error(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desks(2)
    sync(tenant)
    fake_jsm.fail("/rest/servicedeskapi/servicedesk", 401)
    run = sync(tenant)
    assert run.outcome == "failed" and "refused" in run.error
    assert set(active(tenant)) == {"1", "2"}


def test_a_tenant_without_jira_fails_with_a_plain_reason(tenant):
    run = sync(tenant)
    assert run.outcome == "failed" and "no Jira connection" in run.error
    assert service_desks_sync_tenant(tenant.pk) == "failed"
    assert "no Jira connection" in SyncRun.objects.filter(tenant=tenant).first().error


def test_a_second_sync_while_one_runs_is_skipped_not_doubled(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desks(1)
    holder = SyncRun.objects.create(tenant=tenant, outcome=SyncRun.Outcome.RUNNING)
    run = sync(tenant)
    assert run.outcome == "skipped" and not fake_jsm.calls("GET", "/rest/servicedeskapi/servicedesk")
    holder.outcome = SyncRun.Outcome.SUCCESS
    holder.save()
    assert sync(tenant).outcome == "success"


def test_an_abandoned_lock_expires(tenant, jira, fake_jsm, settings):
    settings.GATEWAY_SYNC_LOCK_MINUTES = 0
    stale = SyncRun.objects.create(tenant=tenant, outcome=SyncRun.Outcome.RUNNING)
    assert sync(tenant).outcome == "success"
    stale.refresh_from_db()
    assert stale.outcome == "failed" and "Abandoned" in stale.error


def test_the_task_reads_tenant_and_connection_in_one_query_and_locks_with_one_insert(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desks(2)
    sync(tenant)
    with CaptureQueriesContext(connection) as captured:
        assert service_desks_sync_tenant(tenant.pk) == "success"
    sqls = [q["sql"] for q in captured.captured_queries]
    reads = [sql for sql in sqls if "tenants_jiraconnection" in sql]
    assert len(reads) == 1 and "tenants_tenant" in reads[0]
    runs = [sql.split()[0].upper() for sql in sqls if "tenants_syncrun" in sql]
    assert runs == ["INSERT", "UPDATE"]  # the lock, then the outcome; no expiry of abandoned runs first


def test_a_token_no_key_can_read_fails_the_sync_and_releases_the_lock(tenant, jira, fake_jsm, settings):
    from cryptography.fernet import Fernet

    fake_jsm.state.add_service_desks(2)
    sync(tenant)
    settings.GATEWAY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert service_desks_sync_tenant(tenant.pk) == "failed"
    run = SyncRun.objects.filter(tenant=tenant).first()
    assert (run.outcome, run.error) == ("failed", "Unexpected error (SecretUnreadable).")
    assert not SyncRun.objects.filter(tenant=tenant, outcome=SyncRun.Outcome.RUNNING).exists()
    assert set(active(tenant)) == {"1", "2"}


def test_a_fresh_running_sync_is_not_expired_by_the_next_one(tenant, jira, fake_jsm):
    holder = SyncRun.objects.create(tenant=tenant, outcome=SyncRun.Outcome.RUNNING)
    assert sync(tenant).outcome == "skipped"
    holder.refresh_from_db()
    assert holder.outcome == "running"


def _queries_for(tenant, fake, count):
    fake.state.service_desks.clear()
    fake.state.add_service_desks(count)
    with CaptureQueriesContext(connection) as captured:
        assert sync(tenant).outcome == "success"
    return len(captured)


@pytest.mark.parametrize("second_sync", [False, True], ids=["creating", "updating"])
def test_500_desks_cost_as_many_queries_as_5(tenant, jira, fake_jsm, second_sync, django_assert_max_num_queries):
    if second_sync:
        fake_jsm.state.add_service_desks(500)
        sync(tenant)
    few = _queries_for(tenant, fake_jsm, 5)
    with django_assert_max_num_queries(few):
        fake_jsm.state.service_desks.clear()
        fake_jsm.state.add_service_desks(500, prefix="Other")
        assert sync(tenant).desks_seen == 500
    assert ServiceDesk.objects.filter(tenant=tenant, is_active=True).count() == 500


def test_two_sites_with_the_same_desk_ids_never_mix(tenant, jira, fake_jsm, other_tenant, other_site):
    fake_jsm.state.add_service_desk(name="Acme IT", key="AIT", desk_id="1")
    other_site.state.add_service_desk(name="Globex IT", key="GIT", desk_id="1")
    sync(tenant)
    sync(other_tenant)
    ours, theirs = ServiceDesk.objects.get(tenant=tenant), ServiceDesk.objects.get(tenant=other_tenant)
    assert (ours.project_name, theirs.project_name) == ("Acme IT", "Globex IT")
    assert (ours.get_absolute_url(), theirs.get_absolute_url()) == ("/acme/portal/1/", "/globex/portal/1/")
    other_site.state.service_desks.clear()
    sync(other_tenant)
    assert active(tenant) == {"1": "Acme IT"} and active(other_tenant) == {}


def test_the_fan_out_syncs_every_active_tenant_with_jira(
    tenant, jira, fake_jsm, other_tenant, other_site, django_capture_on_commit_callbacks
):
    fake_jsm.state.add_service_desks(2)
    other_site.state.add_service_desks(3)
    with django_capture_on_commit_callbacks(execute=True):
        assert service_desks_sync_all() == 2
    assert len(active(tenant)) == 2 and len(active(other_tenant)) == 3
    assert set(SyncRun.objects.values_list("trigger", flat=True)) == {"schedule"}


def test_an_inactive_tenant_is_not_synced_by_the_schedule(tenant, jira, fake_jsm):
    tenant.is_active = False
    tenant.save()
    assert service_desks_sync_all() == 0


def test_the_schedule_exists_and_is_editable(db, settings):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="tenants.tasks.service_desks_sync_all")
    assert task.enabled and task.interval.period == "minutes" and task.interval.every == 30


def test_scoped_tokens_sync_through_the_api_gateway_and_store_the_cloud_id(tenant, fake_jsm):
    from tests.fixtures.jsm import connect

    jira = connect(tenant, fake_jsm, scoped=True)
    fake_jsm.state.add_service_desks(2)
    assert sync(tenant).outcome == "success"
    jira.refresh_from_db()
    assert jira.cloud_id == fake_jsm.cloud_id
    assert all(e.scoped for e in fake_jsm.calls("GET", "/rest/servicedeskapi/servicedesk"))


def test_tenant_links_json_lists_every_active_desk_after_a_sync(tenant, jira, fake_jsm, other_tenant, other_site):
    import json
    from io import StringIO

    from django.core.management import call_command

    fake_jsm.state.add_service_desks(3)
    other_site.state.add_service_desks(2, prefix="Globex")
    sync(tenant)
    sync(other_tenant)
    fake_jsm.state.service_desks.pop("2")
    sync(tenant)
    out = StringIO()
    call_command("tenant_links", "acme", "--json", stdout=out)
    links = {d["jira_id"]: d["substitute_link"] for d in json.loads(out.getvalue())["service_desks"]}
    assert links == {"1": "http://testserver/acme/portal/1/", "3": "http://testserver/acme/portal/3/"}


def test_a_vanished_desks_link_answers_no_longer_available(tenant, jira, fake_jsm, client):
    fake_jsm.state.add_service_desks(2)
    sync(tenant)
    fake_jsm.state.service_desks.pop("2")
    sync(tenant)
    response = client.get("/acme/portal/2/")
    assert response.status_code == 410
