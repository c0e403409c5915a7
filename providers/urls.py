from django.urls import path

from providers.oidc import views
from providers.saml import views as saml_views

app_name = "providers"

urlpatterns = [
    path("login/", views.choose, name="choose"),
    path("login/<slug:provider_slug>/", views.login, name="login"),
    path("oidc/<slug:provider_slug>/callback/", views.callback, name="callback"),
    path("logout/", views.logout, name="logout"),
    path("saml/<slug:provider_slug>/start/", saml_views.start, name="saml_start"),
    path("saml/<slug:provider_slug>/acs/", saml_views.acs, name="saml_acs"),
    path("saml/<slug:provider_slug>/metadata/", saml_views.metadata, name="saml_metadata"),
]
