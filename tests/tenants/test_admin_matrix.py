"""Every admin of the project, walked with a mixed-role user: administrator of tenant A, viewer of B, nothing at C.

A user who administers every tenant they see cannot tell "rows I may see" from "rows I may change":
both are the same set. The mixed user can, so this is the matrix where a narrowing left out of
`TenantScopedAdmin` (actions, change and delete permissions, foreign-key choices) shows. The
admins come from the registry, so one registered later is walked without naming it here.
"""

from functools import wraps

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tenants import tasks
from tenants.models import JiraConnection, Tenant, TenantMembership
from tenants.scoping import tenant_filter, tenant_path
from tests.factories import TenantFactory
from tests.helpers import admin_client_for
from tests.tenants.test_admin_isolation import make_row

PROJECT_APPS = {"tenants", "providers", "configuration", "portal"}
STANDARD_VIEWS = {"changelist", "add", "history", "delete", "change"}


def project_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
    ]


ADMINS = project_admins()
MODELS = [model for model, _ in ADMINS]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _pks(response):
    return set(response.context["cl"].result_list.values_list("pk", flat=True))


class World:
    """Tenants A (administered), B (viewed) and C (not a member); one row of the model in each."""

    def __init__(self, model):
        self.model = model
        self.a, self.b, self.c = (TenantFactory(slug=slug) for slug in ("alpha", "bravo", "charlie"))
        self.client = admin_client_for((self.a, "admin"), (self.b, "viewer"), username="mixed")
        self.row_a, self.row_b, self.row_c = (make_row(model, tenant) for tenant in (self.a, self.b, self.c))
        self.tenant_owned = tenant_path(model) is not None


@pytest.fixture
def world(db, request, settings):
    # Each world makes up to four users; the default hasher's rounds would dominate the matrix's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return World(request.param)


def test_the_walk_finds_every_project_admin():
    assert len(ADMINS) >= 10, "the registry walk found too few admins; is the admin autodiscovered?"
    assert {model._meta.app_label for model in MODELS} >= {"tenants", "providers"}


@pytest.mark.parametrize("world", MODELS, ids=lambda m: m.__name__, indirect=True)
def test_the_changelist_shows_the_rows_of_both_tenants_and_no_other(world):
    response = world.client.get(_url(world.model, "changelist"))
    if not world.tenant_owned:
        assert response.status_code == 403  # not tenant-owned: operators' business only
        return
    assert response.status_code == 200
    shown = _pks(response)
    assert {world.row_a.pk, world.row_b.pk} <= shown and world.row_c.pk not in shown
    # A filter naming tenant C's rows cannot widen the list, and no filter offers them.
    for spec in response.context["cl"].filter_specs:
        related = getattr(getattr(spec, "field", None), "related_model", None)
        if related is not None and tenant_path(related) is not None:
            foreign = {str(pk) for pk in related.objects.filter(tenant_filter(related, [world.c.pk])).values_list("pk")}
            assert not foreign & {str(choice[0]) for choice in getattr(spec, "lookup_choices", [])}, spec.title


@pytest.mark.parametrize("world", MODELS, ids=lambda m: m.__name__, indirect=True)
def test_object_views_open_by_role(world):
    model, client = world.model, world.client
    if not world.tenant_owned:
        for view in ("change", "delete", "history"):
            assert client.get(_url(model, view, world.row_a.pk)).status_code == 403, view
        assert client.get(_url(model, "add")).status_code == 403
        return
    # C: not a member, so the row answers exactly as a row that does not exist: 404, or 403
    # where the view is closed to them whatever the row (deleting a tenant is for operators).
    missing = model.objects.order_by("-pk").first().pk + 1000
    for view in ("change", "delete", "history"):
        for method in (client.get, client.post):
            status = method(_url(model, view, world.row_c.pk), {"post": "yes"}).status_code
            assert status in (403, 404), (view, method)
            assert status == method(_url(model, view, missing), {"post": "yes"}).status_code, (view, method)
    assert model.objects.filter(pk=world.row_c.pk).exists()
    # B: viewer, so they read but cannot change or delete.
    assert client.get(_url(model, "change", world.row_b.pk)).status_code == 200
    assert client.get(_url(model, "history", world.row_b.pk)).status_code == 200
    assert client.post(_url(model, "change", world.row_b.pk), {}).status_code == 403
    assert client.get(_url(model, "delete", world.row_b.pk)).status_code == 403
    assert client.post(_url(model, "delete", world.row_b.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=world.row_b.pk).exists()
    # A: their own, so the views open (the matrix is not passing by refusing everything).
    assert client.get(_url(model, "change", world.row_a.pk)).status_code == 200
    assert client.get(_url(model, "history", world.row_a.pk)).status_code == 200


def custom_object_views(model_admin):
    """Names of a ModelAdmin's own per-object views (IdentityProvider's Test connection, ...)."""
    standard = {f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_{view}" for view in STANDARD_VIEWS}
    patterns = model_admin.get_urls()
    return [p.name for p in patterns if p.name and p.name not in standard and "object_id" in str(p.pattern)]


@pytest.mark.parametrize("world", MODELS, ids=lambda m: m.__name__, indirect=True)
def test_custom_object_views_refuse_the_viewed_and_the_foreign_tenant(world):
    for name in custom_object_views(admin.site.get_model_admin(world.model)):
        # Every custom view so far acts (starts a sign-in, verifies); a read-only one would be 200 for B.
        assert world.client.get(reverse(f"admin:{name}", args=[world.row_b.pk])).status_code == 403, name
        assert world.client.get(reverse(f"admin:{name}", args=[world.row_c.pk])).status_code == 404, name


def _choice_querysets(response):
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.extend(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            if getattr(field, "queryset", None) is not None:
                yield name, field.queryset


@pytest.mark.parametrize("world", MODELS, ids=lambda m: m.__name__, indirect=True)
def test_foreign_key_choices_offer_only_the_administered_tenant(world):
    if not world.tenant_owned:
        return
    pages = [_url(world.model, "change", world.row_a.pk)]
    if world.client.get(_url(world.model, "add")).status_code == 200:
        pages.append(_url(world.model, "add"))
    for page in pages:
        for name, queryset in _choice_querysets(world.client.get(page)):
            target = queryset.model
            if target is get_user_model():
                outsiders = queryset.exclude(tenant_memberships__tenant=world.a)
                assert not outsiders.exists(), (page, name, list(outsiders))
            elif tenant_path(target) is not None:
                offered = queryset.filter(tenant_filter(target, [world.b.pk, world.c.pk]))
                assert not offered.exists(), (page, name, list(offered))


@pytest.fixture
def spy_on_actions(monkeypatch):
    """Replace the model admin's own actions (before any narrowing) with spies recording the rows they get."""
    calls = []

    def spy(model_admin):
        base = model_admin._get_base_actions

        def spied_base():
            return [(_recording(func, calls), name, description) for func, name, description in base()]

        monkeypatch.setattr(model_admin, "_get_base_actions", spied_base)
        return [name for _, name, _ in base()]

    spy.calls = calls
    return spy


def _recording(func, calls):
    @wraps(func)
    def action(modeladmin, request, queryset):
        calls.append((func.__name__, set(queryset.values_list("pk", flat=True))))

    return action


def _run(client, model, action, pks, follow=False, **extra):
    data = {"action": action, "_selected_action": pks, "index": 0, **extra}
    return client.post(_url(model, "changelist"), data, follow=follow)


@pytest.mark.parametrize("world", MODELS, ids=lambda m: m.__name__, indirect=True)
def test_actions_reach_only_rows_of_the_administered_tenant(world, spy_on_actions):
    names = spy_on_actions(admin.site.get_model_admin(world.model))
    offered = set()
    if world.tenant_owned and (form := world.client.get(_url(world.model, "changelist")).context["action_form"]):
        offered = {name for name, _ in form.fields["action"].choices if name}
    for name in names:
        spy_on_actions.calls.clear()
        for pks, extra in [
            ([world.row_b.pk], {}),  # viewer
            ([world.row_c.pk], {}),  # not a member
            ([world.row_a.pk, world.row_b.pk, world.row_c.pk], {}),  # hidden among their own
            ([world.row_a.pk], {"select_across": "1"}),  # "select all" of the changelist, B's rows included
        ]:
            _run(world.client, world.model, name, pks, **extra)
        reached = set().union(*(pks for _, pks in spy_on_actions.calls))
        assert not reached & {world.row_b.pk, world.row_c.pk}, (name, spy_on_actions.calls)
        if name in offered:
            assert world.row_a.pk in reached, f"{name} never ran on the administered row: is the spy wired?"


@pytest.mark.parametrize("world", MODELS, ids=lambda m: m.__name__, indirect=True)
def test_bulk_delete_leaves_the_viewed_and_the_foreign_rows(world):
    for row in (world.row_b, world.row_c):
        _run(world.client, world.model, "delete_selected", [row.pk], post="yes")
        assert world.model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("world", [Tenant, JiraConnection], ids=lambda m: m.__name__, indirect=True)
def test_sync_now_starts_no_sync_of_a_viewed_or_foreign_tenant(world, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "service_desks_sync_queue", lambda *, tenant_ids, trigger: queued.extend(tenant_ids))
    for tenant in (world.a, world.b, world.c):
        JiraConnection.objects.get_or_create(
            tenant=tenant, defaults={"site_url": f"https://{tenant.slug}.example", "email": "x@example.com"}
        )

    selected = [world.row_a.pk, world.row_b.pk, world.row_c.pk]
    response = _run(world.client, world.model, "sync_now", selected, follow=True)

    assert queued == [world.a.pk]
    assert "1 selected row(s) belong to tenants you may only view; they were left alone." in response.content.decode()


def _view_on_site(obj):
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


@pytest.mark.parametrize("world", MODELS, ids=lambda m: m.__name__, indirect=True)
def test_view_on_site_redirects_only_to_rows_the_user_may_see(world):
    assert world.client.get(_view_on_site(world.row_c)).status_code == 404
    if not world.tenant_owned:
        assert world.client.get(_view_on_site(world.row_a)).status_code == 404
    elif hasattr(world.model, "get_absolute_url"):
        for row in (world.row_a, world.row_b):
            assert world.client.get(_view_on_site(row))["Location"].endswith(row.get_absolute_url())


@pytest.mark.parametrize("world", [TenantMembership], ids=lambda m: m.__name__, indirect=True)
def test_a_viewer_cannot_make_themselves_administrator_of_the_tenant_they_view(world):
    own_b = TenantMembership.objects.get(user=world.client.user, tenant=world.b)

    change = world.client.post(
        _url(TenantMembership, "change", own_b.pk), {"tenant": world.b.pk, "user": own_b.user_id, "role": "admin"}
    )
    add = world.client.post(
        _url(TenantMembership, "add"), {"tenant": world.b.pk, "user": own_b.user_id, "role": "admin"}
    )
    moved = TenantMembership.objects.get(user=world.client.user, tenant=world.a)
    world.client.post(
        _url(TenantMembership, "change", moved.pk), {"tenant": world.c.pk, "user": own_b.user_id, "role": "admin"}
    )

    assert change.status_code == 403
    assert add.status_code == 200 and "tenant" in add.context["adminform"].form.errors
    assert set(TenantMembership.objects.filter(user=world.client.user).values_list("tenant", "role")) == {
        (world.a.pk, "admin"),
        (world.b.pk, "viewer"),
    }
