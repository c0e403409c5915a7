"""Email finds a Jira account; it never decides who may use it. Tried as an attacker would: a second provider
asserting the first customer's email, an agent's email, the service account's email, an unverified email."""

import pytest
from django.db import IntegrityError

from portal.services import customer_provision
from providers.errors import EmailNotVouched, JiraAccountClaimed, JiraAccountNotCustomer
from providers.models import Customer, JiraAccountBinding, LoginEvent
from providers.services import jira_account_link
from tests.factories import CustomerFactory, IdentityProviderFactory
from tests.helpers import signed_in

CREATE = "/rest/servicedeskapi/customer"
SEARCH = "/rest/api/3/user/search"


@pytest.fixture
def first(tenant, desk):
    """Ann signed in first, at the tenant's Salesforce, and was provisioned: she owns her Jira account."""
    ann = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant, slug="sf"), email="ann@example.com")
    assert customer_provision(customer=ann, service_desk=desk).ready
    ann.refresh_from_db()
    return ann


def second_identity(tenant, **provider_fields) -> Customer:
    """Another provider of the same tenant (say a social login whose email claim anyone can set) says ann@."""
    provider = IdentityProviderFactory(tenant=tenant, slug="social", **provider_fields)
    return CustomerFactory(provider=provider, email="ANN@example.com", subject="attacker-sub")


def test_a_second_provider_asserting_the_same_email_is_refused_and_gets_no_account(tenant, first, desk, fake_jsm):
    mallory = second_identity(tenant)
    with pytest.raises(JiraAccountClaimed) as refused:
        customer_provision(customer=mallory, service_desk=desk)
    assert refused.value.status == 403 and refused.value.customer == mallory
    mallory.refresh_from_db()
    assert mallory.jira_account_id == "" and mallory.provisioning == Customer.Provisioning.FAILED
    assert not JiraAccountBinding.objects.filter(customer=mallory).exists()
    assert len(fake_jsm.calls("POST", CREATE)) == 1  # Ann's; nothing was created for the second identity


def test_the_refusal_is_a_page_with_a_reference_found_in_the_sign_in_log(tenant, first, desk, fake_jsm):
    mallory = second_identity(tenant)
    response = signed_in(mallory).get(desk.get_absolute_url())
    assert response.status_code == 403
    page = response.content.decode()
    assert "already knows your email address from another way of signing in" in page
    event = LoginEvent.objects.get(customer=mallory)
    assert (event.outcome, event.reason, event.provider) == ("failure", "jira_account_claimed", mallory.provider)
    assert event.reference in page
    assert first.jira_account_id not in page


def test_a_provider_authoritative_for_the_domain_may_use_the_account(tenant, first, desk):
    colleague_directory = second_identity(tenant, email_domains="example.com")
    assert customer_provision(customer=colleague_directory, service_desk=desk).ready
    binding = JiraAccountBinding.objects.get(customer=colleague_directory)
    assert (binding.account_id, binding.how) == (first.jira_account_id, JiraAccountBinding.How.AUTHORITATIVE)


def test_an_admin_link_lets_the_second_identity_use_the_account(tenant, first, desk, operator):
    same_person = second_identity(tenant)
    with pytest.raises(JiraAccountClaimed):
        customer_provision(customer=same_person, service_desk=desk)
    jira_account_link(customer=same_person, owner=first, by=operator)
    same_person = Customer.objects.get(pk=same_person.pk)
    assert same_person.provisioning == Customer.Provisioning.PENDING  # tried again at the next visit
    assert customer_provision(customer=same_person, service_desk=desk).ready
    binding = JiraAccountBinding.objects.get(customer=same_person)
    assert (binding.account_id, binding.how, binding.created_by) == (first.jira_account_id, "admin_link", operator)


@pytest.mark.parametrize("account_type", ["atlassian", "app"])
def test_an_agents_or_apps_email_is_never_bound(tenant, desk, fake_jsm, account_type):
    fake_jsm.state.add_user(email="agent@example.com", account_type=account_type)
    impostor = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant), email="Agent@example.com")
    with pytest.raises(JiraAccountNotCustomer):
        customer_provision(customer=impostor, service_desk=desk)
    impostor.refresh_from_db()
    assert impostor.jira_account_id == "" and not JiraAccountBinding.objects.exists()
    assert not fake_jsm.calls("POST", CREATE) and not fake_jsm.state.desk_customers.get("5")


def test_the_tenants_service_account_is_never_bound(tenant, desk, jira, fake_jsm):
    impostor = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant), email=jira.email.upper())
    with pytest.raises(JiraAccountNotCustomer):
        customer_provision(customer=impostor, service_desk=desk)
    assert not JiraAccountBinding.objects.exists() and not fake_jsm.calls("GET", SEARCH)


def test_an_unverified_email_neither_creates_nor_claims_an_account(tenant, first, desk, fake_jsm):
    unverified = second_identity(tenant, email_domains="example.com")  # even at an authoritative provider
    unverified.email_verified = False
    unverified.save()
    fake_jsm.reset_log()
    with pytest.raises(EmailNotVouched):
        customer_provision(customer=unverified, service_desk=desk)
    stranger = CustomerFactory(provider=unverified.provider, email="new@example.com", email_verified=False)
    with pytest.raises(EmailNotVouched):
        customer_provision(customer=stranger, service_desk=desk)
    assert fake_jsm.log == [] and JiraAccountBinding.objects.count() == 1  # Ann's only


def test_a_bound_identity_keeps_its_account_when_its_email_changes(first, desk, fake_jsm):
    first.email = "ann.lee@elsewhere.example"  # changed at the provider; the binding is the identity's
    first.save()
    fake_jsm.reset_log()
    assert customer_provision(customer=Customer.objects.get(pk=first.pk), service_desk=desk).ready
    assert not fake_jsm.calls("GET", SEARCH) and not fake_jsm.calls("POST", CREATE)
    assert Customer.objects.get(pk=first.pk).jira_account_id == JiraAccountBinding.objects.get().account_id


@pytest.mark.django_db(transaction=True)
def test_an_account_has_one_first_claim_per_tenant(tenant):
    one = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant))
    two = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant))
    JiraAccountBinding.objects.create(tenant=tenant, customer=one, account_id="qm:1", how="first_claim")
    with pytest.raises(IntegrityError):
        JiraAccountBinding.objects.create(tenant=tenant, customer=two, account_id="qm:1", how="first_claim")
