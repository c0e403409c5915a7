from django.urls import path

from native import views, views_test

app_name = "native"

urlpatterns = [
    path("idp/saml/metadata/", views.metadata, name="metadata"),
    path("idp/saml/sso/", views.sso, name="sso"),
    path("idp/saml/continue/", views.resume, name="resume"),
    path("idp/saml/test/", views_test.test_start, name="test"),
    path("idp/saml/test/acs/", views_test.test_acs, name="test_acs"),
]
