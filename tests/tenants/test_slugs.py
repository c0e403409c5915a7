"""A tenant's slug is in every substitute link and every callback URL registered at an identity provider.

So only operators change it, and a slug once given up is never handed to another tenant: the links
and callback URLs still in circulation would land on the new owner.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from configuration.apply import tenant_config_apply
from configuration.errors import ConfigInvalid
from tenants.models import Tenant
from tests.helpers import admin_client_for, admin_form_data

pytestmark = pytest.mark.django_db


def change_url(tenant):
    return reverse("admin:tenants_tenant_change", args=[tenant.pk])


def rename(client, tenant, slug):
    return client.post(change_url(tenant), admin_form_data(client, change_url(tenant), slug=slug))


def slug_error(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    return " ".join(response.context["adminform"].form.errors["slug"])


def test_a_tenant_admin_cannot_rename_their_tenants_slug(tenant):
    client = admin_client_for(tenant)
    response = client.get(change_url(tenant))
    assert "slug" not in response.context["adminform"].form.fields  # shown, not editable

    response = client.post(change_url(tenant), {**admin_form_data(client, change_url(tenant)), "slug": "taken-over"})

    assert response.status_code == 302
    tenant.refresh_from_db()
    assert tenant.slug == "acme"


def test_a_slug_an_operator_renamed_away_cannot_be_taken_by_another_tenant(operator_client, tenant, other_tenant):
    assert rename(operator_client, tenant, "acme-corp").status_code == 302

    response = rename(operator_client, other_tenant, "acme")

    assert "“acme” was retired" in slug_error(response) and "Choose another slug" in slug_error(response)
    other_tenant.refresh_from_db()
    assert other_tenant.slug == "globex"


def test_a_deleted_tenants_slug_cannot_be_given_to_a_new_tenant(operator_client, tenant):
    operator_client.post(reverse("admin:tenants_tenant_delete", args=[tenant.pk]), {"post": "yes"})
    assert not Tenant.objects.filter(slug="acme").exists()

    response = operator_client.post(reverse("admin:tenants_tenant_add"), {"name": "Squatter", "slug": "acme"})

    assert "“acme” was retired" in slug_error(response)
    assert not Tenant.objects.filter(slug="acme").exists()


def test_a_bulk_delete_retires_every_slug(operator_client, tenant, other_tenant):
    operator_client.post(
        reverse("admin:tenants_tenant_changelist"),
        {"action": "delete_selected", "_selected_action": [tenant.pk, other_tenant.pk], "post": "yes"},
    )
    for slug in ("acme", "globex"):
        with pytest.raises(ValidationError, match="was retired"):
            Tenant(name="New", slug=slug).full_clean()


def test_an_operator_may_give_a_tenant_back_its_own_retired_slug(operator_client, tenant, other_tenant):
    rename(operator_client, tenant, "acme-corp")

    assert rename(operator_client, tenant, "acme").status_code == 302

    tenant.refresh_from_db()
    assert tenant.slug == "acme"
    # The slug given up on the way is reserved for this tenant now.
    assert "“acme-corp” was retired" in slug_error(rename(operator_client, other_tenant, "acme-corp"))


def test_releasing_a_retired_slug_is_an_operators_deliberate_act(operator_client, tenant, other_tenant):
    from tenants.models import RetiredSlug  # noqa: PLC0415 (the model this change adds)

    rename(operator_client, tenant, "acme-corp")
    retired = RetiredSlug.objects.get(slug="acme")
    assert admin_client_for(tenant).get(reverse("admin:tenants_retiredslug_changelist")).status_code == 403

    operator_client.post(reverse("admin:tenants_retiredslug_delete", args=[retired.pk]), {"post": "yes"})

    assert rename(operator_client, other_tenant, "acme").status_code == 302


def test_tenant_config_apply_refuses_a_retired_slug(operator_client, tenant, tmp_path):
    rename(operator_client, tenant, "acme-corp")
    document = {"tenants": [{"slug": "acme", "name": "Someone else", "identity_providers": []}]}

    with pytest.raises(ConfigInvalid) as caught:
        tenant_config_apply(document=document, base_dir=tmp_path)

    assert any(path == "tenants[0].slug" and "“acme” was retired" in message for path, message in caught.value.problems)
    assert not Tenant.objects.filter(slug="acme").exists()
