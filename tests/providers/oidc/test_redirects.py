"""`next` stays inside the same tenant's pages."""

import pytest

from providers.oidc.redirects import safe_next


@pytest.mark.parametrize(
    "value",
    ["/acme/", "/acme/portal/3/", "/acme/account/", "/acme/portal/3/?tab=open&x=1"],
)
def test_paths_of_the_same_tenant_are_kept(value):
    assert safe_next(value, tenant_slug="acme") == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "https://evil.example/acme/",
        "//evil.example/acme/",
        "/globex/portal/1/",
        "/acmeevil/",
        "/acme",
        "/acme/../globex/portal/1/",
        "/acme/%2e%2e/globex/",
        "/acme/%252e%252e/globex/",
        "/acme//evil.example",
        "/acme/\\evil.example",
        "/acme/%5Cevil.example",
        "/acme/\r\nSet-Cookie:x=1",
        "/acme/%0d%0aLocation:evil",
        "/admin/",
        "javascript:alert(1)",
        "/acme/" + "a" * 3000,
    ],
)
def test_anything_else_falls_back_to_the_tenant_home(value):
    assert safe_next(value, tenant_slug="acme") == "/acme/"
