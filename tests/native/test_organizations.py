"""Native mode keeps organization rules and provisioning: at each assertion the customer's JSM organizations
follow the tenant's rules through the API; Jira down does not hold the customer up, and the worker finishes."""

import pytest

from providers.models import Customer, LoginEvent
from tenants.models import OrganizationRule
from tests.factories import CustomerFactory
from tests.helpers import signed_in
from tests.native.helpers import authn_request_xml, post_form_of, redirect_query, saml_response_of, status_of

pytestmark = pytest.mark.django_db


def _assert_at_sso(config, customer):
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url)
    return signed_in(customer).get(f"/acme/idp/saml/sso/?{redirect_query(xml)}")


def _members(fake_jsm, name: str) -> set:
    org = next((o for o in fake_jsm.state.organizations.values() if o["name"] == name), None)
    return set(org["users"]) if org else set()


def test_each_assertion_applies_the_organization_rules(config, customer, jira, fake_jsm):
    tenant = config.tenant
    OrganizationRule.objects.create(tenant=tenant, value="example.com", organization_name="Example Corp")
    OrganizationRule.objects.create(tenant=tenant, value="other.org", organization_name="Other Org")

    _, fields = post_form_of(_assert_at_sso(config, customer))
    assert status_of(saml_response_of(fields)) == ["Success"]
    customer.refresh_from_db()
    assert customer.provisioning == "done"
    assert _members(fake_jsm, "Example Corp") == {customer.jira_account_id}
    assert not _members(fake_jsm, "Other Org")

    # A rule added later applies at the next assertion, with nothing redone for the first.
    partners = OrganizationRule.objects.create(
        tenant=tenant, kind=OrganizationRule.Kind.EMAIL_DOMAIN, value="EXAMPLE.COM", organization_name="Partners"
    )
    post_form_of(_assert_at_sso(config, Customer.objects.get(pk=customer.pk)))
    partners.refresh_from_db()
    assert customer.jira_account_id in _members(fake_jsm, "Partners")


def test_jira_down_still_asserts_and_the_worker_finishes(
    config, customer, jira, fake_jsm, django_capture_on_commit_callbacks
):
    OrganizationRule.objects.create(tenant=config.tenant, value="example.com", organization_name="Example Corp")
    fake_jsm.fail("/rest/api/3/user/search", 503)
    with django_capture_on_commit_callbacks() as queued:
        _, fields = post_form_of(_assert_at_sso(config, customer))
    assert status_of(saml_response_of(fields)) == ["Success"]
    customer.refresh_from_db()
    assert customer.provisioning == "retrying" and len(queued) == 1

    fake_jsm.heal()
    queued[0]()  # the worker runs the queued retry
    customer.refresh_from_db()
    assert customer.provisioning == "done" and _members(fake_jsm, "Example Corp") == {customer.jira_account_id}


def test_an_identity_refused_the_account_of_its_email_is_refused_the_assertion(config, customer, idp, jira, fake_jsm):
    """Email never links identities: Atlassian would hand the second identity the first one's account."""
    post_form_of(_assert_at_sso(config, customer))
    from tests.factories import IdentityProviderFactory

    other_idp = IdentityProviderFactory(tenant=config.tenant, slug="other")
    impostor = CustomerFactory(provider=other_idp, email="grace@example.com")
    response = _assert_at_sso(config, impostor)
    assert response.status_code == 403 and b"SAMLResponse" not in response.content
    event = LoginEvent.objects.filter(customer=impostor).get()
    assert event.reason == "jira_account_claimed" and event.reference in response.content.decode()


def test_the_periodic_resume_requeues_a_desk_less_retry_the_broker_never_took(
    config, customer, jira, fake_jsm, django_capture_on_commit_callbacks
):
    """Native mode's retries have no service desk; the beat task must still pick them up."""
    from portal.tasks import customer_provision_resume

    Customer.objects.filter(pk=customer.pk).update(provisioning=Customer.Provisioning.RETRYING)
    with django_capture_on_commit_callbacks(execute=True):
        assert customer_provision_resume() == 1  # eager in tests: the retry runs once queued
    customer.refresh_from_db()
    assert customer.provisioning == "done" and customer.jira_account_id
