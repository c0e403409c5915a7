from django.urls import path

from providers.oidc import views

app_name = "providers"

urlpatterns = [
    path("login/", views.choose, name="choose"),
    path("login/<slug:provider_slug>/", views.login, name="login"),
    path("oidc/<slug:provider_slug>/callback/", views.callback, name="callback"),
    path("logout/", views.logout, name="logout"),
]
