"""The gateway's URLs plus the benchmark's baselines: the floor (bench/views.py) and the peer
(stock mozilla-django-oidc's `oidc_authentication_init`, with its callback so its reverse() works)."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/floor/", views.floor_start, name="bench-floor"),
    path("bench/floor/callback/", views.floor_callback, name="bench-floor-callback"),
    path("bench/peer/", include("mozilla_django_oidc.urls")),
    path("", include("sso_gateway.urls")),
]
