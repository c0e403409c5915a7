"""A tenant admin reaches only their tenants' rows, through every path of every tenant-owned admin.

The test walks the admin registry instead of naming models, so a model admin added later is
checked without a new test; it builds rows of any model by introspection (`make_row`).
"""

import itertools
import uuid

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tenants.admin_base import TenantScopedAdmin, TenantScopedStackedInline, TenantScopedTabularInline
from tenants.fields import EncryptedTextField
from tenants.models import ServiceDesk, Tenant, TenantMembership
from tenants.scoping import tenant_filter, tenant_of, tenant_path
from tests.factories import TenantFactory, UserFactory
from tests.helpers import admin_client_for

_counter = itertools.count()


def tenant_owned_admins():
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if tenant_path(model) is not None
    ]


def _value_for(field):
    n = next(_counter)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, EncryptedTextField):
        return f"isolation-secret-{n}"
    if isinstance(field, models.EmailField):
        return f"row{n}@example.com"
    if isinstance(field, models.URLField):
        return f"https://row{n}.example.com"
    if isinstance(field, models.SlugField):
        return f"row-{n}"
    if isinstance(field, (models.CharField, models.TextField)):
        return f"Row {n}"[: field.max_length or 100]
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return n + 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.JSONField):
        return []
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    raise NotImplementedError(f"make_row cannot fill {field!r}; teach it this field type")


def make_row(model, tenant):
    """A saved row of `model` owned by `tenant`, with every required field filled."""
    if model is Tenant:
        return tenant
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.is_relation:
            if field.null and field.related_model is not Tenant:  # an optional tenant (the error log) is set
                continue
            target = field.related_model
            if target is Tenant:
                values[field.name] = tenant
            elif target is get_user_model():
                values[field.name] = UserFactory()
            else:
                values[field.name] = make_row(target, tenant)
        elif not (field.has_default() or field.blank or field.null):
            values[field.name] = _value_for(field)
    return model.objects.create(**values)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def two_admins(db):
    tenant_a, tenant_b = TenantFactory(slug="alpha"), TenantFactory(slug="bravo")
    return tenant_a, tenant_b, admin_client_for(tenant_a), admin_client_for(tenant_b)


def test_every_tenant_owned_admin_uses_the_scoped_base():
    found = tenant_owned_admins()
    assert len(found) >= 8, "the registry walk found too few admins; is the admin autodiscovered?"
    for model, model_admin in found:
        assert isinstance(model_admin, TenantScopedAdmin), f"{model.__name__} admin must derive TenantScopedAdmin"
        for inline in model_admin.inlines:
            assert issubclass(inline, (TenantScopedTabularInline, TenantScopedStackedInline)), inline


@pytest.mark.parametrize("model", [model for model, _ in tenant_owned_admins()], ids=lambda m: m.__name__)
def test_a_tenant_admin_sees_and_reaches_only_their_own_rows(two_admins, model):
    tenant_a, tenant_b, client_a, client_b = two_admins
    row_a, row_b = make_row(model, tenant_a), make_row(model, tenant_b)

    for client, mine, theirs in [(client_a, row_a, row_b), (client_b, row_b, row_a)]:
        response = client.get(_url(model, "changelist"))
        assert response.status_code == 200
        shown = set(response.context["cl"].result_list.values_list("pk", flat=True))
        assert mine.pk in shown and theirs.pk not in shown
        # Search cannot widen the list.
        response = client.get(_url(model, "changelist"), {"q": str(theirs)[:30]})
        assert theirs.pk not in set(response.context["cl"].result_list.values_list("pk", flat=True))
        # Another tenant's row by URL is a 404 through every object view (or the same 403 the
        # admin gets on their own row, where the view is closed to them altogether).
        for view in ("change", "delete", "history"):
            own = client.get(_url(model, view, mine.pk)).status_code
            assert own in (200, 403), (view, own)
            assert client.get(_url(model, view, theirs.pk)).status_code == (404 if own == 200 else 403), view

    _assert_filters_scoped(client_a, model, tenant_b)
    _assert_choices_scoped(client_a, model, row_a, tenant_b)
    _assert_bulk_actions_scoped(client_a, model, row_b)


def _assert_filters_scoped(client, model, other_tenant):
    response = client.get(_url(model, "changelist"))
    for spec in response.context["cl"].filter_specs:
        choices = getattr(spec, "lookup_choices", [])
        related = getattr(getattr(spec, "field", None), "related_model", None)
        if related is None or tenant_path(related) is None:
            continue
        foreign = related.objects.filter(tenant_filter(related, [other_tenant.pk]))
        assert not {str(pk) for pk in foreign.values_list("pk", flat=True)} & {str(c[0]) for c in choices}


def _assert_choices_scoped(client, model, row, other_tenant):
    response = client.get(_url(model, "change", row.pk))
    forms = [response.context["adminform"].form]
    for formset in response.context.get("inline_admin_formsets", []):
        forms.extend(formset.formset.forms)
        assert all(
            form.instance.pk is None or _tenant_id(form.instance) == _tenant_id(row) for form in formset.formset.forms
        )
    for form in forms:
        for name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            target = queryset.model
            if target is get_user_model():
                mine = queryset.filter(tenant_memberships__tenant_id=_tenant_id(row))
                assert not queryset.exclude(pk__in=mine.values("pk")).exists(), name
            elif tenant_path(target) is not None:
                assert not queryset.filter(tenant_filter(target, [other_tenant.pk])).exists(), (
                    f"{model.__name__}.{name}"
                )


def _tenant_id(obj):
    return tenant_of(obj).pk


def _assert_bulk_actions_scoped(client, model, foreign_row):
    client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [foreign_row.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=foreign_row.pk).exists()


def test_a_viewer_cannot_change_anything(db):
    tenant = TenantFactory()
    client = admin_client_for(tenant, role=TenantMembership.Role.VIEWER)
    response = client.post(_url(Tenant, "change", tenant.pk), {"name": "Renamed", "slug": tenant.slug})
    assert response.status_code == 403
    tenant.refresh_from_db()
    assert tenant.name != "Renamed"


def test_a_tenant_admin_cannot_create_tenants_or_grant_outside_their_tenants(two_admins):
    tenant_a, tenant_b, client_a, _ = two_admins
    assert client_a.get(_url(Tenant, "add")).status_code == 403
    outsider = UserFactory(username="outsider", is_staff=True)
    response = client_a.post(
        _url(TenantMembership, "add"), {"tenant": tenant_b.pk, "user": outsider.pk, "role": "admin"}
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not TenantMembership.objects.filter(tenant=tenant_b, user=outsider).exists()


def test_a_tenant_admin_cannot_reach_users_or_make_anyone_staff(two_admins):
    _, _, client_a, _ = two_admins
    user_model = get_user_model()
    other = UserFactory(username="someone")
    assert client_a.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client_a.get(reverse("admin:auth_user_change", args=[other.pk])).status_code == 403
    client_a.post(reverse("admin:auth_user_change", args=[other.pk]), {"is_superuser": "on", "is_staff": "on"})
    other.refresh_from_db()
    assert not other.is_staff and not other.is_superuser
    assert user_model.objects.filter(is_superuser=True).count() == 0


def test_the_front_page_lists_only_the_tenants_a_staff_user_belongs_to(two_admins, operator_client):
    tenant_a, tenant_b, client_a, _ = two_admins
    TenantFactory(slug="charlie-secret", name="Charlie Hidden")

    html = client_a.get(reverse("home")).content.decode()

    assert "/alpha/" in html
    assert "/bravo/" not in html and "charlie-secret" not in html and "Charlie Hidden" not in html
    operator_html = operator_client.get(reverse("home")).content.decode()
    assert all(f"/{slug}/" in operator_html for slug in ("alpha", "bravo", "charlie-secret"))


def _view_on_site(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_view_on_site_does_not_reveal_another_tenants_links(two_admins, operator_client):
    tenant_a, tenant_b, client_a, _ = two_admins
    desk_b = make_row(ServiceDesk, tenant_b)

    for foreign in (tenant_b, desk_b):
        response = client_a.get(_view_on_site(foreign))
        assert response.status_code == 404, foreign
        assert "bravo" not in response.get("Location", "")
    # The same answer as for an object that does not exist at all.
    missing = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Tenant).pk, 999999])
    assert client_a.get(missing).status_code == 404
    # Their own objects and, for operators, everyone's still go through.
    assert client_a.get(_view_on_site(tenant_a))["Location"].endswith("/alpha/")
    assert operator_client.get(_view_on_site(desk_b))["Location"].endswith(desk_b.get_absolute_url())


def test_view_on_site_of_models_a_tenant_admin_cannot_open_is_a_404(two_admins, operator):
    _, _, client_a, _ = two_admins
    assert client_a.get(_view_on_site(operator)).status_code == 404
    assert Client().get(_view_on_site(operator)).status_code == 302  # to the admin's login page
