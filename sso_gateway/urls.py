"""The root URLconf: the project's roof, the one module that wires every app's URLs together."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from sso_gateway import views
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    # In front of the admin's own "view on site" route: the same URL, scoped to the user's tenants.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(tenant_views.view_on_site)),
    path("admin/", admin.site.urls),
    # The demo identity provider (bin/run only; GATEWAY_DEMO is refused in production).
    *([path("demo-idp/", include("demo.urls"))] if settings.GATEWAY_DEMO else []),
    # Tenant-scoped pages: sign-in (providers), the hosted portal and the SAML identity provider of native
    # mode, all under /<tenant>/.
    path("<slug:tenant_slug>/", include("providers.urls")),
    path("<slug:tenant_slug>/", include("portal.urls")),
    path("<slug:tenant_slug>/", include("native.urls")),
]
