"""Issue 17, item 1: the admin's home is the gateway's. Per tenant a setup checklist in the seed guide's order,
each step with its state and a link; the gateway's sections before the third-party ones, which sit under
System (and are not on a tenant admin's home at all); "Find a reference" finds any error page's reference.
"""

import re

from django.utils import timezone

from providers.models import LoginEvent
from tenants.models import ErrorEvent, SyncRun
from tests.factories import (
    AttributeMappingFactory,
    CustomerFactory,
    IdentityProviderFactory,
    JiraConnectionFactory,
    LoginEventFactory,
    ServiceDeskFactory,
    SyncRunFactory,
)
from tests.helpers import admin_client_for

STEPS = ["Identity provider", "Test connection", "Attribute mapping", "Jira connection", "First sync",
         "Links handed out"]  # fmt: skip


def checklist(page: str, slug: str) -> list[tuple[str, bool, str]]:
    """(step title, done, state) of one tenant's checklist, read from the page as a reader sees it."""
    block = re.search(rf'id="setup-{slug}">(.*?)</ol>', page, re.S).group(1)
    steps = re.findall(
        r'<li class="gw-step (gw-done|gw-todo)[^"]*">.*?gw-step-title">([^<]+)<.*?gw-state">([^<]*)<', block, re.S
    )
    return [(title, done == "gw-done", state) for done, title, state in steps]


def test_an_empty_tenant_starts_at_the_identity_provider_with_a_link_to_add_one(tenant, operator_client):
    page = operator_client.get("/admin/").content.decode()
    steps = checklist(page, "acme")
    assert [title for title, _, _ in steps] == STEPS
    assert not any(done for _, done, _ in steps)
    assert "0 of 6 steps done; next: Identity provider" in page
    assert f'href="/admin/providers/identityprovider/add/?tenant={tenant.pk}">Add an identity provider' in page


def test_each_step_reads_its_state_from_what_the_gateway_recorded(tenant, operator_client):
    provider = IdentityProviderFactory(tenant=tenant, name="Acme SSO")
    AttributeMappingFactory(provider=provider, groups="groups")
    LoginEventFactory(tenant=tenant, provider=provider, is_test=True)
    JiraConnectionFactory(tenant=tenant, verified_at=timezone.now())
    SyncRunFactory(tenant=tenant, outcome=SyncRun.Outcome.SUCCESS, desks_seen=3)
    ServiceDeskFactory(tenant=tenant)
    page = operator_client.get("/admin/").content.decode()
    steps = {title: (done, state) for title, done, state in checklist(page, "acme")}
    assert steps["Identity provider"] == (True, "Acme SSO, Generic OpenID Connect (discovery URL).")
    assert steps["Test connection"][0] and steps["Test connection"][1].startswith("Succeeded on ")
    assert steps["Attribute mapping"] == (True, "email ← email, name ← name, groups ← groups.")
    assert steps["Jira connection"][0] and steps["First sync"] == (True, steps["First sync"][1])
    assert "3 service desk(s)" in steps["First sync"][1]
    assert steps["Links handed out"] == (False, "1 substitute link(s); no customer has signed in through one yet.")
    assert "5 of 6 steps done; next: Links handed out" in page

    LoginEventFactory(tenant=tenant, provider=provider, customer=CustomerFactory(provider=provider))
    page = operator_client.get("/admin/").content.decode()
    assert "6 of 6 steps done: customers can sign in" in page


def test_a_failed_test_and_a_failed_verify_say_why(tenant, operator_client):
    provider = IdentityProviderFactory(tenant=tenant)
    LoginEventFactory(tenant=tenant, provider=provider, is_test=True, outcome=LoginEvent.Outcome.FAILURE,
                      reason="iss_mismatch", reference="ABCD1234")  # fmt: skip
    JiraConnectionFactory(tenant=tenant, last_error="The token was refused (401).")
    steps = {t: (d, s) for t, d, s in checklist(operator_client.get("/admin/").content.decode(), "acme")}
    assert steps["Test connection"][0] is False and "(iss_mismatch, reference ABCD1234)" in steps["Test connection"][1]
    assert steps["Jira connection"] == (False, "Verify failed: The token was refused (401).")


def test_third_party_apps_are_under_system_after_the_gateways_sections(tenant, operator_client):
    page = operator_client.get("/admin/").content.decode()
    names = ["Set up a tenant", "Tenants and Jira sites", "Sign-in", 'id="system"',
             "System: Admin sign-in lockouts (Axes)", "System: Schedules (Celery beat)"]  # fmt: skip
    order = [page.index(name) for name in names]
    assert order == sorted(order)


def test_a_tenant_admin_sees_only_their_tenants_checklist_and_no_system_section(tenant, other_tenant):
    page = admin_client_for(tenant).get("/admin/").content.decode()
    assert 'id="setup-acme"' in page and 'id="setup-globex"' not in page
    assert 'id="system"' not in page and "Axes" not in page and "Periodic tasks" not in page


def test_the_breadcrumb_names_the_section_once(tenant, operator_client):
    page = operator_client.get("/admin/providers/identityprovider/").content.decode()
    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S).group(1)
    assert "Sign-in" in crumbs and crumbs.count("Identity providers") == 1


def test_find_a_reference_goes_to_its_row_within_the_users_tenants(tenant, other_tenant):
    mine = ErrorEvent.objects.create(tenant=tenant, reference="AAAA1111", last_seen_at=timezone.now(), kind="portal",
                                     reason="desk_unknown", status=404)  # fmt: skip
    ErrorEvent.objects.create(tenant=other_tenant, reference="BBBB2222", last_seen_at=timezone.now(), kind="portal",
                              reason="desk_unknown", status=404)  # fmt: skip
    signin = LoginEventFactory(tenant=tenant, reference="CCCC3333", outcome=LoginEvent.Outcome.FAILURE)
    admin = admin_client_for(tenant)
    found = admin.get("/admin/reference/", {"q": "aaaa1111"})["Location"]
    assert found == f"/admin/tenants/errorevent/{mine.pk}/change/"
    found = admin.get("/admin/reference/", {"q": "CCCC3333"})["Location"]
    assert found == f"/admin/providers/loginevent/{signin.pk}/change/"
    elsewhere = admin.get("/admin/reference/", {"q": "BBBB2222"}, follow=True)
    assert elsewhere.context["cl"].result_count == 0
