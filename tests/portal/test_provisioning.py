"""Provisioning a signed-in customer in JSM (portal.services.customer_provision)."""

import pytest
from django.urls import reverse

from portal.services import customer_provision
from providers.models import Customer
from tenants.models import OrganizationRule
from tests.factories import CustomerFactory, IdentityProviderFactory, ServiceDeskFactory

CREATE = "/rest/servicedeskapi/customer"


@pytest.fixture
def customer(tenant):
    return CustomerFactory(
        provider=IdentityProviderFactory(tenant=tenant), email="Ann.Lee@Example.com", display_name="Ann Lee"
    )


def jira_user(fake, email):
    return fake.state.user_by_email(email)


def test_a_new_customer_is_created_added_to_the_desk_and_remembered(customer, desk, fake_jsm):
    result = customer_provision(customer=customer, service_desk=desk)
    assert result.ready and result.message == ""
    user = jira_user(fake_jsm, "ann.lee@example.com")
    assert user["displayName"] == "Ann Lee"
    assert user["accountId"] in fake_jsm.state.desk_customers["5"]
    customer.refresh_from_db()
    assert (customer.jira_account_id, customer.provisioning) == (user["accountId"], "done")


def test_a_repeat_sign_in_with_nothing_changed_costs_no_jira_call(customer, desk, fake_jsm):
    customer_provision(customer=customer, service_desk=desk)
    fake_jsm.reset_log()
    customer = Customer.objects.get(pk=customer.pk)
    assert customer_provision(customer=customer, service_desk=desk).ready
    assert fake_jsm.log == []


def test_another_desk_costs_only_the_add_to_that_desk(tenant, customer, desk, fake_jsm):
    customer_provision(customer=customer, service_desk=desk)
    fake_jsm.state.add_service_desk(name="HR", key="HR", desk_id="6")
    hr = ServiceDeskFactory(tenant=tenant, jira_id="6", project_name="HR")
    fake_jsm.reset_log()
    assert customer_provision(customer=customer, service_desk=hr).ready
    assert [(e.method, e.path) for e in fake_jsm.log] == [("POST", "/rest/servicedeskapi/servicedesk/6/customer")]


def test_an_existing_account_is_found_by_exact_email_despite_prefix_matches(customer, desk, fake_jsm):
    fake_jsm.state.add_user(email="ann.lee@example.com.au")
    fake_jsm.state.add_user(email="ann.lee@example.company")
    existing = fake_jsm.state.add_user(email="ANN.LEE@example.com")
    assert customer_provision(customer=customer, service_desk=desk).ready
    customer.refresh_from_db()
    assert customer.jira_account_id == existing["accountId"]
    assert not fake_jsm.calls("POST", CREATE)


def test_already_exists_race_is_a_success_path_and_never_duplicates(customer, desk, fake_jsm):
    def someone_else_creates_it(state, exchange):
        state.add_user(email="ann.lee@example.com", display_name="Created by the other sign-in")

    fake_jsm.before(CREATE, someone_else_creates_it, method="POST")
    assert customer_provision(customer=customer, service_desk=desk).ready
    assert [c.status for c in fake_jsm.calls("POST", CREATE)] == [409]
    matching = [u for u in fake_jsm.state.users.values() if u["emailAddress"].lower() == "ann.lee@example.com"]
    assert len(matching) == 1
    customer.refresh_from_db()
    assert customer.jira_account_id == matching[0]["accountId"]


def test_organization_rules_create_join_and_remove(tenant, customer, desk, fake_jsm):
    partners = fake_jsm.state.add_organization("Partners")
    by_domain = OrganizationRule.objects.create(tenant=tenant, value="example.com", organization_name="Example Corp")
    by_group = OrganizationRule.objects.create(
        tenant=tenant,
        kind=OrganizationRule.Kind.IDP_GROUP,
        value="partners",
        organization_name="partners",
        remove_when_unmatched=True,
    )
    OrganizationRule.objects.create(tenant=tenant, value="other.org", organization_name="Other Org")
    customer.groups = ["partners"]
    customer.save()

    assert customer_provision(customer=customer, service_desk=desk).ready
    account = Customer.objects.get(pk=customer.pk).jira_account_id
    created = next(o for o in fake_jsm.state.organizations.values() if o["name"] == "Example Corp")
    assert account in created["users"] and account in partners["users"]
    assert not any(o["name"] == "Other Org" for o in fake_jsm.state.organizations.values())
    by_domain.refresh_from_db()
    by_group.refresh_from_db()
    assert (by_domain.organization_id, by_group.organization_id) == (created["id"], partners["id"])

    customer = Customer.objects.get(pk=customer.pk)
    customer.groups = []  # taken out of the group at the identity provider
    customer.save()
    assert customer_provision(customer=customer, service_desk=desk).ready
    assert account not in partners["users"] and account in created["users"]
    fake_jsm.reset_log()
    assert customer_provision(customer=Customer.objects.get(pk=customer.pk), service_desk=desk).ready
    assert fake_jsm.log == []


def test_a_new_rule_applies_at_the_next_sign_in(tenant, customer, desk, fake_jsm):
    customer_provision(customer=customer, service_desk=desk)
    OrganizationRule.objects.create(tenant=tenant, value="EXAMPLE.COM", organization_name="Example Corp")
    fake_jsm.reset_log()
    assert customer_provision(customer=Customer.objects.get(pk=customer.pk), service_desk=desk).ready
    org = next(iter(fake_jsm.state.organizations.values()))
    assert org["name"] == "Example Corp" and Customer.objects.get(pk=customer.pk).jira_account_id in org["users"]
    assert not fake_jsm.calls("POST", CREATE) and not fake_jsm.calls("GET", "/rest/api/3/user/search")


def test_jira_down_is_retried_by_the_worker_and_completes_when_jira_is_back(
    customer, desk, fake_jsm, django_capture_on_commit_callbacks
):
    fake_jsm.fail("/rest/api/3/user/search", 503)
    with django_capture_on_commit_callbacks() as queued:
        result = customer_provision(customer=customer, service_desk=desk)
    assert not result.ready and "setting up your access to IT Help" in result.message
    customer.refresh_from_db()
    assert customer.provisioning == "retrying" and "unavailable" in customer.provisioning_error
    assert len(queued) == 1

    fake_jsm.heal()
    queued[0]()  # the worker runs the queued retry
    customer.refresh_from_db()
    assert (customer.provisioning, customer.provisioning_error) == ("done", "")
    assert customer.jira_account_id in fake_jsm.state.desk_customers["5"]


def test_rate_limited_then_back_after_a_few_worker_attempts(
    customer, desk, fake_jsm, django_capture_on_commit_callbacks, settings
):
    fake_jsm.fail("/rest/api/3/user/search", 429, times=6, retry_after=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = customer_provision(customer=customer, service_desk=desk)
    assert not result.ready
    customer.refresh_from_db()
    assert customer.provisioning == "done"
    assert len(fake_jsm.calls("POST", CREATE)) == 1


def test_the_worker_gives_up_visibly_in_the_admin(
    customer, desk, fake_jsm, django_capture_on_commit_callbacks, settings, operator_client
):
    settings.GATEWAY_PROVISION_MAX_ATTEMPTS = 3
    fake_jsm.fail("/rest/api/3/user/search", 500)
    with django_capture_on_commit_callbacks(execute=True):
        customer_provision(customer=customer, service_desk=desk)
    customer.refresh_from_db()
    assert customer.provisioning == "failed" and "Gave up after 3 attempts" in customer.provisioning_error
    page = operator_client.get(reverse("admin:providers_customer_change", args=[customer.pk])).content.decode()
    assert "Gave up after 3 attempts" in page


def test_a_second_visit_while_retrying_does_not_queue_twice(
    customer, desk, fake_jsm, django_capture_on_commit_callbacks
):
    fake_jsm.fail("/rest/api/3/user/search", 503)
    with django_capture_on_commit_callbacks() as queued:
        customer_provision(customer=customer, service_desk=desk)
        customer_provision(customer=Customer.objects.get(pk=customer.pk), service_desk=desk)
    assert len(queued) == 1


def test_bad_credentials_fail_visibly_without_retrying(customer, desk, jira, django_capture_on_commit_callbacks):
    jira.api_token = "revoked"
    jira.save()
    with django_capture_on_commit_callbacks() as queued:
        result = customer_provision(customer=customer, service_desk=desk)
    assert not result.ready and "could not set up your access" in result.message
    customer.refresh_from_db()
    assert customer.provisioning == "failed" and "refused" in customer.provisioning_error
    assert queued == []


def test_a_customer_and_a_desk_of_different_tenants_are_refused(customer, other_tenant):
    with pytest.raises(ValueError, match="different tenants"):
        customer_provision(customer=customer, service_desk=ServiceDeskFactory(tenant=other_tenant))
