"""The Content-Security-Policy header on portal and admin pages, and the nonce of the few inline elements.

That the pages also work under it in a real browser is tests/e2e/test_csp_browser.py.
"""

import re

import pytest

from tests.factories import CustomerFactory, IdentityProviderFactory, TenantFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in parsed}


def nonce_of(response) -> str:
    [source] = [s for s in directives(response)["script-src"] if s.startswith("'nonce-")]
    return source.removeprefix("'nonce-").removesuffix("'")


def assert_strict(response):
    policy = directives(response)
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[name] and "'unsafe-eval'" not in policy[name], policy[name]
        assert "'self'" in policy[name] and any(s.startswith("'nonce-") for s in policy[name])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.fixture
def branded(db):
    return TenantFactory(slug="acme", name="Acme Support", brand_color="#0b5cad")


def test_portal_pages_carry_a_strict_policy(client, branded):
    customer = CustomerFactory(provider=IdentityProviderFactory(tenant=branded, slug="sso"))
    for response in (
        client.get("/acme/"),
        signed_in(customer).get("/acme/account/"),
        client.get("/nowhere/"),  # an error page
    ):
        assert response.status_code in (200, 404)
        assert_strict(response)


def test_admin_pages_carry_a_strict_policy(client, operator_client, branded):
    provider = IdentityProviderFactory(tenant=branded, slug="sso")
    assert_strict(client.get("/admin/login/"))
    page = operator_client.get(f"/admin/providers/identityprovider/{provider.pk}/change/")
    assert page.status_code == 200
    assert_strict(page)


def test_each_response_has_its_own_nonce(client, branded):
    assert nonce_of(client.get("/acme/")) != nonce_of(client.get("/acme/"))


def test_the_brand_colour_style_carries_the_pages_nonce(client, branded):
    response = client.get("/acme/")
    style = f'<style nonce="{nonce_of(response)}">:root {{ --accent: #0b5cad; }}</style>'
    assert style in response.content.decode()


def test_a_brand_colour_that_is_not_a_colour_never_reaches_the_nonced_style(client, branded):
    """Written around the model's validator (a raw update, as a careless import might): not rendered at all."""
    type(branded).objects.filter(pk=branded.pk).update(brand_color="red}*{x")
    html = client.get("/acme/").content.decode()
    assert "<style" not in html and "red}" not in html


def test_no_inline_script_or_style_in_the_gateways_templates_lacks_the_nonce(client, operator_client, branded):
    pages = [client.get("/acme/"), client.get("/admin/login/"), operator_client.get("/admin/")]
    pages.append(operator_client.get("/admin/django_celery_beat/periodictask/add/"))  # django-celery-beat's script
    for response in pages:
        html, nonce = response.content.decode(), nonce_of(response)
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
            executable = "src=" not in tag and 'type="application/json"' not in tag
            assert not executable or f'nonce="{nonce}"' in tag, (response.request["PATH_INFO"], tag)
        assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
