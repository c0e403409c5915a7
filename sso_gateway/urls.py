"""The root URLconf: the project's roof, the one module that wires every app's URLs together."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from sso_gateway import locales, views
from tenants import errorpages
from tenants import views as tenant_views

# The product's own error pages (tenants/errorpages.py), for what happens outside a view.
handler400 = errorpages.bad_request
handler403 = errorpages.forbidden
handler404 = errorpages.not_found
handler500 = errorpages.server_error

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    # In front of the admin's own "view on site" route: the same URL, scoped to the user's tenants.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(tenant_views.view_on_site)),
    path("admin/", admin.site.urls),
    # The language switcher in every customer page's footer (remembered in a cookie).
    path("i18n/language", locales.language_choose, name="set_language"),
    # The demo identity provider (bin/run only; GATEWAY_DEMO is refused in production).
    *([path("demo-idp/", include("demo.urls"))] if settings.GATEWAY_DEMO else []),
    # Tenant-scoped pages: sign-in (providers), the hosted portal and the SAML identity provider of native
    # mode, all under /<tenant>/.
    # Tenant-scoped pages: sign-in (providers) and the hosted portal, both under /<tenant>/.
    path("<slug:tenant_slug>/logo/<str:version>", tenant_views.tenant_logo, name="tenant_logo"),
    path("<slug:tenant_slug>/time-zone", tenant_views.time_zone_choose, name="tenant_time_zone"),
    path("<slug:tenant_slug>/", include("providers.urls")),
    path("<slug:tenant_slug>/", include("portal.urls")),
    path("<slug:tenant_slug>/", include("native.urls")),
]
