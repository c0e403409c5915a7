"""An admin links a second sign-in of one person to the Jira account of the first, within their tenant only."""

import pytest

from providers.models import JiraAccountBinding
from tests.factories import CustomerFactory, IdentityProviderFactory, TenantFactory
from tests.helpers import admin_client_for

ADD = "/admin/providers/jiraaccountbinding/add/"


@pytest.fixture
def owner(tenant):
    ann = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant, slug="sf"), email="ann@example.com")
    JiraAccountBinding.objects.create(tenant=tenant, customer=ann, account_id="qm:ann", how="first_claim")
    return ann


@pytest.mark.django_db
def test_a_tenant_admin_links_a_second_sign_in_to_the_first_ones_account(tenant, owner):
    second = CustomerFactory(provider=IdentityProviderFactory(tenant=tenant, slug="google"), email="ann@example.com")
    client = admin_client_for(tenant)
    response = client.post(ADD, {"customer": second.pk, "same_person_as": owner.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    binding = JiraAccountBinding.objects.get(customer=second)
    assert (binding.account_id, binding.how, binding.created_by) == ("qm:ann", "admin_link", client.user)
    second.refresh_from_db()
    assert second.jira_account_id == "qm:ann"


@pytest.mark.django_db
def test_another_tenants_admin_can_neither_see_nor_link_these_customers(tenant, owner):
    other = TenantFactory(slug="globex")
    intruder_customer = CustomerFactory(provider=IdentityProviderFactory(tenant=other))
    client = admin_client_for(other)
    page = client.get(ADD).content.decode()
    assert f'value="{owner.pk}"' not in page
    response = client.post(ADD, {"customer": intruder_customer.pk, "same_person_as": owner.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not JiraAccountBinding.objects.filter(customer=intruder_customer).exists()
    assert client.get("/admin/providers/jiraaccountbinding/").content.decode().count("qm:ann") == 0
