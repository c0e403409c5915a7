"""The one base class that confines a tenant admin to their tenants' rows.

Operators (superusers) see everything. A staff user with memberships sees the rows of those
tenants and changes only the rows of tenants where they are an administrator, through every
admin path: changelists, change views by URL (another tenant's row is a 404), foreign-key
choices, list filters, search, bulk actions and inlines. Every tenant-owned ModelAdmin and
inline derives from these classes; `tests/tenants/test_admin_isolation.py` walks the
registry to prove it.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import Http404

from tenants.forms import SecretKeepingModelForm
from tenants.models import Tenant
from tenants.scoping import admin_tenant_ids, tenant_filter, tenant_of, tenant_path, visible_tenant_ids


class TenantScopingMixin:
    form = SecretKeepingModelForm

    # -- rows
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(tenant_filter(self.model, visible_tenant_ids(request)))

    # -- permissions: memberships decide, not Django's per-model permissions
    def _may_see(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and bool(visible_tenant_ids(request))

    def _may_change(self, request, obj=None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        allowed = admin_tenant_ids(request)
        if obj is None:
            return bool(allowed)
        tenant = tenant_of(obj)
        return tenant is not None and tenant.pk in allowed

    def has_module_permission(self, request):
        return super().has_module_permission(request) if request.user.is_superuser else self._may_see(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        if obj is not None:
            tenant = tenant_of(obj)
            return tenant is not None and tenant.pk in visible_tenant_ids(request)
        return self._may_see(request)

    def has_add_permission(self, request, *args):
        if request.user.is_superuser:
            return super().has_add_permission(request, *args)
        return self._may_change(request)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self._may_change(request, obj)

    # -- choices: a tenant admin can only point at rows of tenants they administer
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and not request.user.is_superuser:
            formfield.queryset = scoped_choices(db_field.related_model, formfield.queryset, request)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and not request.user.is_superuser:
            formfield.queryset = scoped_choices(db_field.related_model, formfield.queryset, request)
        return formfield


def scoped_choices(model, queryset, request):
    ids = admin_tenant_ids(request)
    if model is get_user_model():
        # Only people already in one of the admin's tenants; creating users is for operators.
        return queryset.filter(tenant_memberships__tenant_id__in=ids).distinct()
    if tenant_path(model) is None:
        return queryset
    return queryset.filter(tenant_filter(model, ids))


class TenantScopedAdmin(TenantScopingMixin, admin.ModelAdmin):
    # -- another tenant's row by URL: 404, not Django's "perhaps it was deleted" redirect
    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404("No such object.")

    # -- columns: a "tenant" column says nothing to someone who sees one tenant only (and the list fits)
    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if "tenant" in columns and _sees_one_tenant(request):
            return [column for column in columns if column != "tenant"]
        return columns

    # -- filters: relation filters list only related rows the user can see
    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [self._scoped_filter(entry) for entry in filters]

    def _scoped_filter(self, entry):
        if isinstance(entry, str):
            try:
                field = self.model._meta.get_field(entry.split("__")[0])
            except Exception:
                return entry
            if field.is_relation and "__" not in entry:
                return (entry, admin.RelatedOnlyFieldListFilter)
        return entry

    # -- bulk actions act only on rows of tenants the user administers
    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.is_superuser:
            return actions
        return {name: (_narrowed(func), name, desc) for name, (func, name, desc) in actions.items()}


def _sees_one_tenant(request) -> bool:
    if not hasattr(request, "_sees_one_tenant"):
        count = Tenant.objects.count() if request.user.is_superuser else len(visible_tenant_ids(request))
        request._sees_one_tenant = count == 1
    return request._sees_one_tenant


class BlankAsNoneFilter(admin.AllValuesFieldListFilter):
    """A text field's values as filter choices, the blank one named "(none)" (an empty link is no link)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": choice["display"] or "(none)"}


def _narrowed(func):
    """The action, on the selected rows of tenants the user administers only.

    The changelist also shows rows of tenants the user only views, and "select all" takes them
    too; those rows are left alone, and the user is told so rather than the action failing as a whole.
    """

    @wraps(func)
    def action(modeladmin, request, queryset):
        allowed = queryset.filter(tenant_filter(queryset.model, admin_tenant_ids(request)))
        left_alone = queryset.count() - allowed.count()
        if left_alone:
            modeladmin.message_user(
                request,
                f"{left_alone} selected row(s) belong to tenants you may only view; they were left alone.",
                messages.WARNING,
            )
        if not allowed.exists():
            return None
        return func(modeladmin, request, allowed)

    return action


class TenantScopedTabularInline(TenantScopingMixin, admin.TabularInline):
    pass


class TenantScopedStackedInline(TenantScopingMixin, admin.StackedInline):
    pass
