from django.contrib import admin
from django.urls import include, path

from sso_gateway import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # Tenant-scoped pages: sign-in (providers) and the hosted portal, both under /<tenant>/.
    path("<slug:tenant_slug>/", include("providers.urls")),
    path("<slug:tenant_slug>/", include("portal.urls")),
]
