"""The native-mode admin page: the three values to paste into Atlassian with copy buttons and the metadata
download, the two values Atlassian shows, the rotation actions, and the Test button's whole path against the
built-in test service provider."""

import pytest
from django.test import Client
from django.urls import reverse

from tenants.models import AtlassianSaml, SamlIdpKey, Tenant
from tests.factories import CustomerFactory
from tests.helpers import admin_client_for, signed_in
from tests.native.conftest import atlassian_values
from tests.native.helpers import post_form_of

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_three_values_and_takes_atlassians_two(operator_client, tenant):
    Tenant.objects.filter(pk=tenant.pk).update(portal_mode=Tenant.PortalMode.ATLASSIAN)
    added = operator_client.post(reverse("admin:tenants_atlassiansaml_add"), {"tenant": tenant.pk})
    assert added.status_code == 302, added.content[:2000]
    config = AtlassianSaml.objects.get(tenant=tenant)
    change = reverse("admin:tenants_atlassiansaml_change", args=[config.pk])
    page = operator_client.get(change).content.decode()
    key = SamlIdpKey.objects.get(tenant=tenant)
    for value in ("http://testserver/acme/idp/saml/metadata/", "http://testserver/acme/idp/saml/sso/"):
        assert f'data-copy="{value}"' in page
    assert key.certificate.splitlines()[1] in page and "BEGIN CERTIFICATE" in page
    assert "?download=1" in page and "/acme/idp/saml/test/" in page
    assert "PRIVATE KEY" not in page

    entity_id, acs_url = atlassian_values()
    saved = operator_client.post(change, {"sp_entity_id": entity_id, "acs_url": acs_url})
    assert saved.status_code == 302
    config.refresh_from_db()
    assert (config.sp_entity_id, config.acs_url) == (entity_id, acs_url)
    download = Client().get("/acme/idp/saml/metadata/?download=1")
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"sp_entity_id": "auth.atlassian.com/saml/x", "acs_url": "https://auth.atlassian.com/cb"}, "https://"),
        ({"sp_entity_id": "https://auth.atlassian.com/saml/x", "acs_url": ""}, "enter both"),
        ({"sp_entity_id": "https://auth.atlassian.com/saml/x", "acs_url": "http://auth.atlassian.com/cb"}, "https://"),
    ],
)
def test_wrong_atlassian_values_are_refused(operator_client, config, settings, values, error):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    response = operator_client.post(reverse("admin:tenants_atlassiansaml_change", args=[config.pk]), values)
    assert response.status_code == 200 and error in response.content.decode()


def test_the_tenant_page_has_the_portal_mode_and_links_to_native_mode(operator_client, config):
    page = operator_client.get(reverse("admin:tenants_tenant_change", args=[config.tenant_id])).content.decode()
    assert 'name="portal_mode"' in page
    assert reverse("admin:tenants_atlassiansaml_change", args=[config.pk]) in page


def test_rotation_actions(operator_client, config):
    changelist = reverse("admin:tenants_atlassiansaml_changelist")
    first = SamlIdpKey.objects.filter(tenant=config.tenant)
    operator_client.get(reverse("admin:tenants_atlassiansaml_change", args=[config.pk]))  # makes the first key
    current = first.get().certificate
    operator_client.post(changelist, {"action": "prepare_next_key", "_selected_action": [config.pk]})
    upcoming = SamlIdpKey.objects.get(tenant=config.tenant, state="next").certificate
    page = operator_client.get(reverse("admin:tenants_atlassiansaml_change", args=[config.pk])).content.decode()
    assert current.splitlines()[1] in page and upcoming.splitlines()[1] in page
    operator_client.post(changelist, {"action": "promote_next_key", "_selected_action": [config.pk]})
    assert SamlIdpKey.objects.get(tenant=config.tenant, state="current").certificate == upcoming


def test_a_tenant_admin_cannot_rotate_another_tenants_keys(config, other_config):
    client = admin_client_for(config.tenant)
    changelist = reverse("admin:tenants_atlassiansaml_changelist")
    client.post(changelist, {"action": "prepare_next_key", "_selected_action": [other_config.pk]})
    assert not SamlIdpKey.objects.filter(tenant=other_config.tenant, state="next").exists()


def test_the_test_button_runs_the_whole_path_and_shows_the_assertion(config, idp):
    client = admin_client_for(config.tenant)
    customer = CustomerFactory(provider=idp, email="ada@example.com", first_name="Ada", last_name="Lovelace")
    signed_in(customer, client)  # the admin is also signed in at the tenant as a customer
    action, fields = post_form_of(client.get("/acme/idp/saml/test/"))
    assert action == "http://testserver/acme/idp/saml/test/acs/"
    page = client.post("/acme/idp/saml/test/acs/", fields).content.decode()
    assert "The assertion is what Atlassian expects" in page and "✘" not in page
    assert 'data-field="name_id">ada@example.com<' in page
    assert "givenname" in page and "Lovelace" in page
    assert "test &lt;relay&gt; &amp; state" in page  # the RelayState came back, escaped on the page


def test_the_test_pages_are_for_staff_of_the_tenant(config, other_config, idp):
    assert Client().get("/acme/idp/saml/test/").status_code == 403
    assert admin_client_for(other_config.tenant).get("/acme/idp/saml/test/").status_code == 403
    assert Client().post("/acme/idp/saml/test/acs/", {"SAMLResponse": "x"}).status_code == 403


def test_the_test_sp_refuses_a_forged_response(config, idp):
    client = admin_client_for(config.tenant)
    page = client.post("/acme/idp/saml/test/acs/", {"SAMLResponse": "bm90IHhtbA=="}).content.decode()
    assert "would be refused" in page
