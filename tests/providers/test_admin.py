"""The identity provider admin: callback URL to copy, and Test connection."""

import pytest
from django.test import Client
from django.urls import reverse

from providers.models import Customer, LoginEvent
from providers.services import attribute_mapping_ensure
from tests.factories import CustomerFactory, LoginEventFactory
from tests.helpers import admin_client_for
from tests.helpers.signin import finish_sign_in, sign_in, start_sign_in

pytestmark = pytest.mark.django_db


def connection_test_url(idp):
    return reverse("admin:providers_identityprovider_test", args=[idp.pk])


def test_the_change_page_shows_the_callback_url_to_copy_and_a_test_button(operator_client, idp):
    html = operator_client.get(reverse("admin:providers_identityprovider_change", args=[idp.pk])).content.decode()
    assert 'data-copy="http://testserver/acme/oidc/fake/callback/"' in html
    assert f'href="{connection_test_url(idp)}" target="_blank"' in html


def test_a_test_run_shows_every_claim_and_the_mapping_but_signs_no_one_in(operator_client, idp, oidc_provider):
    oidc_provider.user["nickname"] = "countess"
    result = sign_in(operator_client, connection_test_url(idp), oidc_provider)
    assert result.response.status_code == 200
    html = result.response.content.decode()
    assert "Every check passed" in html
    for text in [oidc_provider.user["sub"], "ada@example.com", "countess", "Lovelace", "nonce", "iss"]:
        assert text in html
    assert not Customer.objects.exists()
    assert not [key for key in operator_client.session.keys() if key.startswith("gw.customer.")]  # noqa: SIM118
    event = LoginEvent.objects.get()
    assert event.is_test and event.outcome == "success"
    assert operator_client.get("/acme/account/").status_code == 302


def test_a_failed_test_names_the_check_that_failed(operator_client, idp, oidc_provider):
    oidc_provider.id_token_claims = {"iss": "http://evil.example"}
    result = sign_in(operator_client, connection_test_url(idp), oidc_provider)
    assert result.response.status_code == 403
    assert b"iss_mismatch" in result.response.content and b"discovered issuer" in result.response.content


def test_a_mapping_failure_is_shown_with_the_claims(operator_client, idp, oidc_provider):
    mapping = attribute_mapping_ensure(provider=idp)
    mapping.email = "mail"
    mapping.save()
    html = sign_in(operator_client, connection_test_url(idp), oidc_provider).response.content.decode()
    assert "the claims were refused" in html and "&#x27;mail&#x27;" in html and "ada@example.com" in html


def test_a_disabled_provider_can_be_tested_before_it_is_switched_on(operator_client, idp, oidc_provider):
    idp.is_enabled = False
    idp.save()
    assert sign_in(operator_client, connection_test_url(idp), oidc_provider).response.status_code == 200


def test_only_admins_of_the_providers_tenant_may_test(idp, other_tenant):
    assert admin_client_for(other_tenant).get(connection_test_url(idp)).status_code == 404
    assert admin_client_for(idp.tenant, role="viewer").get(connection_test_url(idp)).status_code == 403
    assert Client().get(connection_test_url(idp)).status_code == 302  # to the admin login
    assert admin_client_for(idp.tenant).get(connection_test_url(idp)).status_code == 302


def test_a_test_callback_opened_without_the_admin_session_shows_nothing(operator_client, idp, oidc_provider):
    _, _, callback = start_sign_in(operator_client, connection_test_url(idp), oidc_provider)
    stranger = Client()
    for name, morsel in operator_client.cookies.items():
        if name.startswith("gwtx_"):
            stranger.cookies[name] = morsel.value
    response = finish_sign_in(stranger, callback)
    assert response.status_code == 403 and b"ada@example.com" not in response.content


def test_the_add_page_says_to_save_before_testing_and_previews_the_callback_url(operator_client, tenant):
    html = operator_client.get(reverse("admin:providers_identityprovider_add")).content.decode()
    assert "Save first, then test a real sign-in" in html
    assert "type the slug: the URL appears here" in html  # the page's script fills it in as the slug is typed
    assert f'data-slug="{tenant.slug}"' in html


def _changelist_actions(client, model):
    response = client.get(reverse(f"admin:providers_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    action_form = response.context["action_form"]
    return {name for name, _ in action_form.fields["action"].choices if name} if action_form else set()


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_the_sign_in_log_is_append_only_for_tenant_admins(tenant, role):
    event = LoginEventFactory(tenant=tenant)
    client = admin_client_for(tenant, role=role)
    delete_url = reverse("admin:providers_loginevent_delete", args=[event.pk])

    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert "delete_selected" not in _changelist_actions(client, LoginEvent)
    client.post(
        reverse("admin:providers_loginevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    change = client.post(reverse("admin:providers_loginevent_change", args=[event.pk]), {"reason": "nothing"})

    assert change.status_code == 403
    assert LoginEvent.objects.filter(pk=event.pk, reason=event.reason).exists()


def test_an_operator_may_delete_sign_in_log_rows(operator_client, tenant):
    event = LoginEventFactory(tenant=tenant)
    response = operator_client.post(reverse("admin:providers_loginevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 302 and not LoginEvent.objects.filter(pk=event.pk).exists()


def test_customers_are_read_only_for_tenant_admins(tenant, idp):
    customer = CustomerFactory(tenant=tenant, provider=idp)
    client = admin_client_for(tenant)
    change_url = reverse("admin:providers_customer_change", args=[customer.pk])
    delete_url = reverse("admin:providers_customer_delete", args=[customer.pk])

    assert client.get(change_url).status_code == 200  # they may look
    assert client.post(change_url, {"email": "x@evil.example"}).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert "delete_selected" not in _changelist_actions(client, Customer)
    client.post(
        reverse("admin:providers_customer_changelist"),
        {"action": "delete_selected", "_selected_action": [customer.pk], "post": "yes"},
    )
    assert Customer.objects.filter(pk=customer.pk, email=customer.email).exists()


def test_deleting_a_provider_does_not_erase_its_customers_behind_a_tenant_admins_back(tenant, idp):
    CustomerFactory(tenant=tenant, provider=idp)
    client = admin_client_for(tenant)
    response = client.post(reverse("admin:providers_identityprovider_delete", args=[idp.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Customer.objects.filter(provider=idp).exists()


def test_an_operator_may_delete_a_customer(operator_client, tenant, idp):
    customer = CustomerFactory(tenant=tenant, provider=idp)
    response = operator_client.post(reverse("admin:providers_customer_delete", args=[customer.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Customer.objects.filter(pk=customer.pk).exists()
