"""Which tenant owns a row, and which tenants a staff user may see or change.

`tenant_path(Model)` follows foreign keys from a model to `Tenant` and returns the ORM lookup
("tenant", "provider__tenant", ... or "" for `Tenant` itself); None means the model is not
tenant-owned. Found by introspection, so new models are covered without registering them.
"""

from collections import deque
from functools import cache

from django.db import models

from tenants.models import Tenant, TenantMembership


@cache
def tenant_path(model: type[models.Model]) -> str | None:
    if model is Tenant:
        return ""
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        for field in current._meta.concrete_fields:
            if not field.is_relation or not field.many_to_one and not field.one_to_one:
                continue
            target = field.related_model
            path = f"{prefix}{field.name}"
            if target is Tenant:
                return path
            if target not in seen:
                seen.add(target)
                queue.append((target, f"{path}__"))
    return None


def tenant_filter(model: type[models.Model], tenant_ids) -> models.Q:
    path = tenant_path(model)
    return models.Q(pk__in=tenant_ids) if path == "" else models.Q(**{f"{path}__in": tenant_ids})


def tenant_of(obj: models.Model) -> Tenant | None:
    path = tenant_path(type(obj))
    if path is None:
        return None
    for part in filter(None, path.split("__")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def roles_for(request) -> dict[int, str]:
    """{tenant id: role} of the request's user, read once per request."""
    if not hasattr(request, "_tenant_roles"):
        user = request.user
        request._tenant_roles = (
            dict(TenantMembership.objects.filter(user=user).values_list("tenant_id", "role"))
            if user.is_authenticated and user.is_staff
            else {}
        )
    return request._tenant_roles


def visible_tenant_ids(request) -> list[int]:
    return list(roles_for(request))


def admin_tenant_ids(request) -> list[int]:
    return [tenant_id for tenant_id, role in roles_for(request).items() if role == TenantMembership.Role.ADMIN]
