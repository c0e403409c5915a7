"""Helpers shared by tests (fixtures live in conftest.py files; helpers that tests import live here)."""

from django.conf import settings
from django.forms import CheckboxInput
from django.test import Client, RequestFactory

from providers.sessions import customer_login
from tests.factories import TenantMembershipFactory, UserFactory


def admin_client_for(*memberships, role="admin", username=None):
    """A logged-in test client of a staff user with a membership per entry of `memberships`.

    Each entry is a tenant (with `role`) or a `(tenant, role)` pair, so one user can administer
    one tenant and only view another: the mixed case the admin's narrowing exists for.
    """
    pairs = [entry if isinstance(entry, tuple) else (entry, role) for entry in memberships]
    first_tenant, first_role = pairs[0]
    user = UserFactory(username=username or f"{first_tenant.slug}-{first_role}", is_staff=True)
    for tenant, tenant_role in pairs:
        TenantMembershipFactory(tenant=tenant, role=tenant_role, user=user)
    client = Client()
    client.force_login(user)
    client.user = user
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


def admin_form_data(client, url: str, **overrides) -> dict:
    """What a browser would post back from the admin page at `url`, unchanged, plus `overrides`.

    Read from the page's own forms (main form, inline management forms and inline forms), so a
    field or inline added to the admin later does not break the tests that post it.
    """
    response = client.get(url)
    assert response.status_code == 200, url
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value is not None:
                data[form.add_prefix(name)] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
