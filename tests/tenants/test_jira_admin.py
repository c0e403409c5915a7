"""Verify, Sync now and the last sync outcome in the admin, as an admin sees them."""

from django.urls import reverse

from tenants.models import SyncRun
from tests.fixtures.jsm import connect
from tests.helpers import admin_client_for


def verify(client, connection, **overrides):
    data = {
        "tenant": connection.tenant_id,
        "site_url": connection.site_url,
        "auth_mode": connection.auth_mode,
        "email": connection.email,
        "api_token": "",
        "_verify": "1",
        **overrides,
    }
    url = reverse("admin:tenants_jiraconnection_change", args=[connection.pk])
    return client.post(url, data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_verify_lists_every_desk_with_its_substitute_link(tenant, jira, fake_jsm):
    fake_jsm.state.add_service_desk(name="IT Help", key="IT", desk_id="4")
    fake_jsm.state.add_service_desk(name="Facilities", key="FAC", desk_id="9")
    response = verify(admin_client_for(tenant), jira)
    page = response.content.decode()
    assert response.status_code == 200 and "a Jira administrator" in page
    assert "2 service desks visible" in page
    assert "http://testserver/acme/portal/4/" in page and "http://testserver/acme/portal/9/" in page
    assert 'class="button gw-copy"' in page
    jira.refresh_from_db()
    assert jira.verified_at is not None and jira.last_error == ""
    assert jira.api_token not in page


def test_verify_with_a_wrong_token_says_what_to_fix(tenant, jira):
    response = verify(admin_client_for(tenant), jira, api_token="wrong-token")
    assert any("Verify failed: Jira refused the email and API token" in m for m in messages_of(response))
    jira.refresh_from_db()
    assert "refused" in jira.last_error


def test_verify_without_administer_says_so(tenant, fake_jsm):
    jira = connect(tenant, fake_jsm, admin=False)
    response = verify(admin_client_for(tenant), jira)
    assert any("is not a Jira administrator" in m for m in messages_of(response))


def test_verify_a_service_account_token_in_classic_mode_points_to_the_scoped_option(tenant, fake_jsm):
    fake_jsm.add_account(email="bot@serviceaccount.atlassian.com", token="scoped-secret", scoped=True)
    jira = connect(tenant, fake_jsm)
    response = verify(
        admin_client_for(tenant), jira, email="bot@serviceaccount.atlassian.com", api_token="scoped-secret"
    )
    assert any("choose the scoped-token option" in m for m in messages_of(response))
    response = verify(
        admin_client_for(tenant, username="again"), jira, auth_mode="scoped", email="bot@serviceaccount.atlassian.com"
    )
    assert "Scoped token through api.atlassian.com" in response.content.decode()
    jira.refresh_from_db()
    assert jira.cloud_id == fake_jsm.cloud_id


def test_verify_of_an_unknown_site_says_so(tenant, jira, fake_jsm):
    fake_jsm.stop()
    response = verify(admin_client_for(tenant), jira)
    assert any("Verify failed: Could not reach Jira" in m for m in messages_of(response))


def test_sync_now_runs_and_a_failure_shows_on_the_tenant(tenant, jira, fake_jsm, django_capture_on_commit_callbacks):
    client = admin_client_for(tenant)
    fake_jsm.state.add_service_desks(2)
    changelist = reverse("admin:tenants_tenant_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "sync_now", "_selected_action": [tenant.pk]}, follow=True)
    assert any("Sync started for 1 tenant(s)" in m for m in messages_of(response))
    assert SyncRun.objects.get(tenant=tenant).outcome == "success"

    fake_jsm.fail("/rest/servicedeskapi/servicedesk", 503)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "sync_now", "_selected_action": [tenant.pk]})
    page = client.get(reverse("admin:tenants_tenant_change", args=[tenant.pk])).content.decode()
    assert "Failed at" in page and "Jira is unavailable (HTTP 503)" in page


def test_sync_now_from_the_connection_list(tenant, jira, fake_jsm, django_capture_on_commit_callbacks):
    fake_jsm.state.add_service_desks(1)
    client = admin_client_for(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:tenants_jiraconnection_changelist"), {"action": "sync_now", "_selected_action": [jira.pk]}
        )
    assert SyncRun.objects.get(tenant=tenant).trigger == "admin"


def test_sync_now_cannot_reach_another_tenant(
    tenant, jira, fake_jsm, other_tenant, other_site, django_capture_on_commit_callbacks
):
    client = admin_client_for(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:tenants_tenant_changelist"),
            {"action": "sync_now", "_selected_action": [tenant.pk, other_tenant.pk]},
        )
    assert SyncRun.objects.filter(tenant=tenant).exists()
    assert not SyncRun.objects.filter(tenant=other_tenant).exists()
    assert not other_site.log


def test_a_viewer_cannot_verify(tenant, jira, fake_jsm):
    response = verify(admin_client_for(tenant, role="viewer"), jira)
    assert response.status_code == 403 and not fake_jsm.log


def test_another_tenants_connection_cannot_be_verified(tenant, jira, fake_jsm, other_tenant):
    response = verify(admin_client_for(other_tenant), jira)
    assert response.status_code == 404 and not fake_jsm.log
