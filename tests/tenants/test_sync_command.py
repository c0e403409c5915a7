"""`manage.py sync_service_desks [SLUG ...]`: one line per tenant, non-zero exit if any failed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tenants.models import ServiceDesk, SyncRun


def run_command(*slugs):
    out, err = StringIO(), StringIO()
    try:
        call_command("sync_service_desks", *slugs, stdout=out, stderr=err)
        failure = None
    except CommandError as exc:
        failure = exc
    return out.getvalue(), err.getvalue(), failure


def test_prints_what_changed_per_tenant(tenant, jira, fake_jsm, other_tenant, other_site):
    fake_jsm.state.add_service_desks(3)
    other_site.state.add_service_desks(1)
    out, err, failure = run_command()
    assert failure is None and err == ""
    assert "acme: 3 service desk(s): 3 new, 0 changed, 0 no longer in Jira" in out
    assert "globex: 1 service desk(s): 1 new" in out
    assert set(SyncRun.objects.values_list("trigger", flat=True)) == {"command"}


def test_bad_credentials_name_the_tenant_and_reason_keep_its_list_and_sync_the_others(
    tenant, jira, fake_jsm, other_tenant, other_site
):
    fake_jsm.state.add_service_desks(2)
    run_command("acme")
    jira.api_token = "revoked-token"
    jira.save()
    other_site.state.add_service_desks(4)
    out, err, failure = run_command()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("acme: FAILED — Jira refused the email and API token")
    assert "Traceback" not in err + out and "revoked-token" not in err + out
    assert "globex: 4 service desk(s)" in out
    assert failure is not None and "1 of 2 tenant(s) failed" in str(failure)
    assert ServiceDesk.objects.filter(tenant=tenant, is_active=True).count() == 2


def test_exit_status_is_non_zero_from_the_command_line(tenant, jira, fake_jsm):
    fake_jsm.fail("/rest/servicedeskapi/servicedesk", 500)
    with pytest.raises(SystemExit) as exited:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "sync_service_desks", "acme"]).execute()
    assert exited.value.code == 1


def test_unknown_slug_is_refused(db):
    _, _, failure = run_command("nope")
    assert "No tenant with slug nope" in str(failure)
