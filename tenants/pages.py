"""Tenant-scoped pages: the tenant of a request is resolved once, from the URL, and put on the request.

Every customer-facing URL lives under `/<tenant_slug>/`. `tenant_page` looks the tenant up once per
request (from this process's short cache), sets `request.tenant` for the view and for the error page
(which wears the tenant's look), activates the tenant's default language and time zone where the
visitor has none of their own (`sso_gateway.locales`), and renders any `PageError` raised below it.
A tenant that does not exist, or is switched off, is a 404 page before the view runs.
"""

from functools import wraps

from sso_gateway.locales import apply_tenant_defaults
from sso_gateway.pages import renders_page_errors
from tenants.selectors import tenant_get, tenant_get_active


def tenant_page(view=None, *, active_only: bool = True):
    """Decorator for a view taking `tenant_slug`; `active_only=False` also resolves a switched-off tenant."""

    def decorate(view):
        @renders_page_errors
        @wraps(view)
        def wrapper(request, *args, tenant_slug: str, **kwargs):
            request.tenant = tenant_get_active(slug=tenant_slug) if active_only else tenant_get(slug=tenant_slug)
            apply_tenant_defaults(request, request.tenant)
            return view(request, *args, tenant_slug=tenant_slug, **kwargs)

        return wrapper

    return decorate if view is None else decorate(view)
