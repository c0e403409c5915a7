"""Issue 17, item 3: every error page is the product's own, with a reference the admin finds under Error log.

Unknown addresses at the root and under a tenant, the admin's 404 and 403, a portal error and a stale form:
in the product's look (never Django's debug page with its URL list, DEBUG on or off), and each reference
printed is a row of the error log that the tenant's admin finds by searching it.
"""

import logging
import re

import pytest
from django.test import Client

from tenants.models import ErrorEvent
from tests.factories import ServiceDeskFactory
from tests.helpers import admin_client_for

REFERENCE = re.compile(r'<span class="reference">([0-9A-F]{8})</span>')


def reference_of(response) -> str:
    found = REFERENCE.search(response.content.decode())
    assert found, response.content.decode()[:800]
    return found.group(1)


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_at_the_root_is_the_products_page_with_a_findable_reference(db, client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/no-such-page/at/all/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "We could not find this page" in page and "JSM SSO Gateway" in page
    assert "URLconf" not in page and "healthz" not in page  # not Django's list of URL patterns
    event = ErrorEvent.objects.get(reference=reference_of(response))
    assert (event.tenant, event.status, event.reason, event.path) == (None, 404, "not_found", "/no-such-page/at/all/")


def test_an_unknown_address_under_a_tenant_wears_its_look_and_is_in_its_error_log(tenant, settings):
    settings.DEBUG = True
    response = Client().get("/acme/no-such-page/")
    assert response.status_code == 404 and "Acme Support" in response.content.decode()
    reference = reference_of(response)
    admin = admin_client_for(tenant)
    found = admin.get("/admin/tenants/errorevent/", {"q": reference.lower()})
    assert found.context["cl"].result_count == 1 and "/acme/no-such-page/" in found.content.decode()


def test_a_portal_error_is_findable_by_its_reference_and_labelled_as_the_portals(tenant, other_tenant):
    response = Client().get("/acme/portal/999/")
    reference = reference_of(response)
    event = ErrorEvent.objects.get(reference=reference)
    assert (event.tenant, event.kind, event.status) == (tenant, "portal", 404)
    # The other tenant's admin does not find it; this tenant's does.
    elsewhere = admin_client_for(other_tenant).get("/admin/tenants/errorevent/", {"q": reference})
    assert elsewhere.context["cl"].result_count == 0
    page = admin_client_for(tenant).get(f"/admin/tenants/errorevent/{event.pk}/change/").content.decode()
    assert reference in page and "/acme/portal/999/" in page


def test_the_admins_404_and_403_are_the_products_pages_and_a_403_writes_no_traceback(
    tenant, other_tenant, settings, caplog
):
    settings.DEBUG = True
    desk = ServiceDeskFactory(tenant=other_tenant)
    admin = admin_client_for(tenant)
    missing = admin.get(f"/admin/tenants/servicedesk/{desk.pk}/change/")
    assert missing.status_code == 404 and "We could not find this page" in missing.content.decode()
    assert "Back to the admin" in missing.content.decode() and "URLconf" not in missing.content.decode()
    assert "an operator finds the reference" in missing.content.decode()  # admin errors are outside any tenant
    assert ErrorEvent.objects.get(reference=reference_of(missing)).kind == "admin"

    caplog.clear()
    with caplog.at_level(logging.INFO):
        refused = admin.get("/admin/tenants/tenant/add/")  # only operators add tenants
    assert refused.status_code == 403 and "You may not open this page" in refused.content.decode()
    event = ErrorEvent.objects.get(reference=reference_of(refused))
    assert (event.status, event.who) == (403, admin.user.username)
    assert not [record for record in caplog.records if record.exc_info], "a 403 wrote a traceback"
    assert len([r for r in caplog.records if reference_of(refused) in r.getMessage()]) == 1  # one line, once


def test_one_client_repeating_an_error_is_counted_on_one_row_under_one_reference(db, client):
    references = {reference_of(client.get(f"/probe-{n}/")) for n in range(20)}
    assert len(references) == 1
    assert ErrorEvent.objects.get().count == 20


def test_a_stale_form_is_the_products_page(tenant):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/acme/logout/")
    assert response.status_code == 403 and "This form has expired" in response.content.decode()
    assert ErrorEvent.objects.filter(reference=reference_of(response), reason="csrf_failed").exists()


def test_an_address_missing_its_slash_is_still_redirected(db, client):
    assert client.get("/admin").status_code == 301


def test_the_favicon_is_served_so_browsers_log_no_404(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert not ErrorEvent.objects.exists()
