"""A request is never raised without the customer's own Jira account: no fallback to the service account."""

import pytest

from portal import services_requests
from portal.errors import NotProvisioned
from tests.factories import ServiceDeskFactory


@pytest.mark.django_db
def test_a_customer_without_a_jira_account_gets_the_still_being_set_up_page_not_a_request(customer):
    class NoCallsClient:
        def __getattr__(self, name):
            raise AssertionError(f"Jira was called ({name}) for a customer without an account")

    customer.jira_account_id = ""
    desk = ServiceDeskFactory(tenant=customer.tenant)
    with pytest.raises(NotProvisioned) as raised:
        services_requests.request_raise(
            client=NoCallsClient(), desk=desk, customer=customer, request_type_id="1", form=None
        )
    assert raised.value.status == 409 and raised.value.reason == "not_provisioned"
