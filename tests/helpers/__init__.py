"""Helpers shared by tests (fixtures live in conftest.py files; helpers that tests import live here)."""

from django.conf import settings
from django.test import Client, RequestFactory

from providers.sessions import customer_login
from tests.factories import TenantMembershipFactory


def admin_client_for(tenant, *, role="admin", username=None):
    """A logged-in test client of a staff user who administers `tenant`."""
    membership = TenantMembershipFactory(
        tenant=tenant, role=role, user__username=username or f"{tenant.slug}-{role}", user__is_staff=True
    )
    client = Client()
    client.force_login(membership.user)
    client.user = membership.user
    return client


def signed_in(customer, client=None):
    """A test client signed in as `customer` at their tenant, by the callback's own `customer_login`
    (without a provider round trip)."""
    client = client or Client()
    request = RequestFactory().get("/")
    request.session = client.session
    customer_login(request, customer=customer)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    return client
