"""Issue 17, item 5: the admin's lists say what a person needs. Sync runs labelled by what started them,
long errors cut on the list and whole on the row's page, names rather than ids in "Jira access granted",
service desks that only the sync writes.
"""

from django.urls import reverse
from django.utils import timezone

from tenants.models import JiraAccountGrant, OrganizationRule, ServiceDesk, SyncRun
from tests.factories import ServiceDeskFactory, SyncRunFactory
from tests.helpers import admin_client_for
from tests.tenants.test_jira_admin import verify

LONG_ERROR = "Jira is unavailable (HTTP 503) " + "and it said a great deal more about it " * 10 + "THE END."


def test_sync_runs_are_labelled_by_what_started_them(tenant, jira, fake_jsm, django_capture_on_commit_callbacks):
    fake_jsm.state.add_service_desks(2)
    client = admin_client_for(tenant)
    verify(client, jira)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:tenants_tenant_changelist"), {"action": "sync_now", "_selected_action": [tenant.pk]})
    SyncRunFactory(tenant=tenant, trigger=SyncRun.Trigger.SCHEDULE, outcome=SyncRun.Outcome.SUCCESS)
    assert sorted(SyncRun.objects.values_list("trigger", flat=True)) == ["admin", "schedule", "verify"]
    page = client.get(reverse("admin:tenants_syncrun_changelist")).content.decode()
    for label in ['<td class="field-trigger">Save and verify</td>', '<td class="field-trigger">Sync now</td>',
                  '<td class="field-trigger">Schedule</td>']:  # fmt: skip
        assert label in page


def test_a_long_error_is_cut_on_the_list_and_whole_on_the_runs_page(tenant):
    run = SyncRunFactory(tenant=tenant, outcome=SyncRun.Outcome.FAILED, error=LONG_ERROR, finished_at=timezone.now())
    client = admin_client_for(tenant)
    listed = client.get(reverse("admin:tenants_syncrun_changelist")).content.decode()
    assert "THE END." not in listed.split('title="')[0] and "Jira is unavailable (HTTP 503)" in listed
    assert "…" in listed
    whole = client.get(reverse("admin:tenants_syncrun_change", args=[run.pk])).content.decode()
    assert "THE END." in whole


def test_jira_access_granted_names_the_account_desk_and_organization(tenant):
    desk = ServiceDeskFactory(tenant=tenant, jira_id="7", project_name="IT Help", project_key="IT")
    OrganizationRule.objects.create(tenant=tenant, value="vip", organization_name="VIP customers", organization_id="42")
    for kind, target in [("email", "ada@example.com"), ("service_desk", desk.jira_id), ("organization", "42")]:
        JiraAccountGrant.objects.create(tenant=tenant, account_id="557058:ada", kind=kind, target=target)
    page = admin_client_for(tenant).get(reverse("admin:tenants_jiraaccountgrant_changelist")).content.decode()
    assert page.count('<span title="557058:ada">ada@example.com</span>') == 3
    assert "IT Help (IT) (service desk 7)" in page and "VIP customers (organization 42)" in page


def test_service_desks_come_from_the_sync_only(tenant):
    desk = ServiceDeskFactory(tenant=tenant, jira_id="7", project_name="IT Help", project_key="IT")
    client = admin_client_for(tenant)
    assert client.get(reverse("admin:tenants_servicedesk_add")).status_code == 403
    assert reverse("admin:tenants_servicedesk_add") not in client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:tenants_servicedesk_change", args=[desk.pk])
    form = client.get(url)
    assert not {"jira_id", "project_key", "project_name", "tenant"} & set(form.context["adminform"].form.fields)
    client.post(url, {"jira_id": "99", "project_name": "Typed", "is_active": "on", "access": "any", "sharing": "desk"})
    desk.refresh_from_db()
    assert (desk.jira_id, desk.project_name) == ("7", "IT Help")
    assert ServiceDesk.objects.count() == 1
