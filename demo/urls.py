"""The demo identity provider, mounted at /demo-idp/ by sso_gateway/urls.py only in demo mode.

django-oauth-toolkit's views keep their own `oauth2_provider` namespace (its discovery document
reverses those names); the authorize view is the demo's, which asks who you are without a password.
"""

from django.urls import include, path, re_path
from oauth2_provider import views as dot

from demo import views

oidc_patterns = [
    path("authorize/", views.DemoAuthorizationView.as_view(), name="authorize"),
    path("token/", dot.TokenView.as_view(), name="token"),
    path("userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    re_path(
        r"^\.well-known/openid-configuration$",
        dot.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
]

urlpatterns = [
    path("", views.pick, name="demo_idp_pick"),
    path("", include((oidc_patterns, "oauth2_provider"))),
]
