"""The sign-in, native-mode and error pages speak the customer's language (issue 16, item 1).

Each page is requested with the browser's `Accept-Language` in German and in Japanese: it renders (its
status as expected) in that language (`<html lang=..>`). Until the catalogues are written, German is given
a few made-up translations here (`de_marked`), so a page shows them only if its texts go through gettext:
an unmarked title, advice or label would stay English and fail.
"""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from native.errors import NativeUnavailable, RequestInvalid
from providers.errors import NoProviderConfigured, ProviderUnavailable
from sso_gateway.bodylimit import RequestTooLarge
from tenants.errorpages import PageNotFound
from tests.factories import IdentityProviderFactory
from tests.native.conftest import native
from tests.native.helpers import authn_request_xml, redirect_query

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factory_idp_discovered")]

LANGUAGES = ["de", "ja"]
REFERENCE = "If you contact the help desk, quote this reference:"


def msgid(text) -> str:
    """The English message id of a lazily translated text (a PageError's title or advice)."""
    return text._args[0]


def fake(english) -> str:
    return f"[de] {english}"


@pytest.fixture
def de_marked():
    """German made-up translations of the msgids the pages below show, removed again afterwards."""
    catalog = trans_real.translation("de")._catalog
    saved = catalog._catalogs[0].copy()
    pages = (NoProviderConfigured, ProviderUnavailable, PageNotFound, NativeUnavailable, RequestInvalid)
    msgids = [msgid(cls.title) for cls in pages] + [msgid(cls.advice) for cls in pages] + [msgid(RequestTooLarge.title)]
    msgids += [REFERENCE, "Go to the home page", "Signing you in to the help center…", "Continue"]
    for english in msgids:
        catalog[english] = fake(english)
    catalog["Go to the %(name)s home page"] = "[de] Go to the %(name)s home page"
    yield msgids
    catalog._catalogs[0] = saved


def get(path, language, **params):
    return Client().get(path, params, HTTP_ACCEPT_LANGUAGE=language)


def assert_in(response, language, status):
    assert response.status_code == status, response.content[:1000]
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert response["Content-Language"] == language
    return html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_provider_choice_page(tenant, language):
    IdentityProviderFactory(tenant=tenant, slug="staff", name="Staff SSO")
    IdentityProviderFactory(tenant=tenant, slug="partners", name="Partner login")
    html = assert_in(get("/acme/login/", language, next="/acme/account/"), language, 200)
    assert "Staff SSO" in html and "Partner login" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sign_in_error_page(tenant, language):
    html = assert_in(get("/acme/login/", language), language, 404)
    assert 'class="reference"' in html


def test_a_sign_in_error_page_shows_its_title_advice_and_labels_translated(tenant, de_marked):
    html = assert_in(get("/acme/login/", "de"), "de", 404)
    for english in (msgid(NoProviderConfigured.title), msgid(NoProviderConfigured.advice), REFERENCE):
        assert fake(english) in html
    assert f"[de] Go to the {tenant.name} home page" in html
    # The test client without Accept-Language still gets English (what every other test sees).
    english = Client().get("/acme/login/").content.decode()
    assert "Sign-in is not set up yet" in english and "[de]" not in english


def test_an_unknown_provider_is_a_translated_sign_in_error(tenant, de_marked):
    html = assert_in(get("/acme/login/nobody/", "de"), "de", 404)
    assert fake("This sign-in option is not available") in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_address_is_a_404_page_in_the_customer_language(db, language):
    html = assert_in(get("/no/such/page/", language), language, 404)
    assert 'class="reference"' in html


def test_the_404_page_is_translated(db, de_marked):
    html = assert_in(get("/no/such/page/", "de"), "de", 404)
    assert fake("We could not find this page") in html and fake(msgid(PageNotFound.advice)) in html
    assert fake("Go to the home page") in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_native_mode_refuses_a_tenant_not_in_native_mode(tenant, language):
    html = assert_in(get("/acme/idp/saml/sso/", language), language, 404)
    assert 'class="reference"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_native_mode_refuses_a_request_that_is_not_saml(tenant, language):
    native(tenant)
    assert_in(get("/acme/idp/saml/sso/", language, SAMLRequest="not a SAML request"), language, 400)


def test_native_mode_off_is_a_translated_page(tenant, de_marked):
    html = assert_in(get("/acme/idp/saml/sso/", "de"), "de", 404)
    assert fake("Single sign-on to the help center is not set up") in html


def test_a_refused_saml_request_is_a_translated_page(tenant, de_marked):
    native(tenant)
    html = assert_in(get("/acme/idp/saml/sso/", "de", SAMLRequest="not a SAML request"), "de", 400)
    assert fake("The sign-in request is not valid") in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_no_passive_answer_posts_itself_in_the_customer_language(tenant, language, de_marked):
    config = native(tenant)
    IdentityProviderFactory(tenant=tenant, slug="sso", name="Acme SSO")
    xml = authn_request_xml(issuer=config.sp_entity_id, acs_url=config.acs_url, IsPassive="true")
    response = Client().get(f"/acme/idp/saml/sso/?{redirect_query(xml)}", HTTP_ACCEPT_LANGUAGE=language)
    html = assert_in(response, language, 200)
    assert f'action="{config.acs_url}"' in html.replace("&amp;", "&")
    if language == "de":
        assert fake("Signing you in to the help center…") in html
        assert f'<noscript><button type="submit">{fake("Continue")}</button></noscript>' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_413_page_answered_before_the_locale_middleware_speaks_the_browser_language(db, settings, language):
    settings.GATEWAY_UPLOAD_MAX_FILES, settings.GATEWAY_UPLOAD_MAX_BYTES = 1, 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = "x" * 10_000
    response = Client().post("/acme/", body, content_type="text/plain", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 413
    assert f'<html lang="{language}"' in response.content.decode()


def test_the_413_page_is_translated_and_not_in_a_previous_request_language(db, settings, de_marked):
    settings.GATEWAY_UPLOAD_MAX_FILES, settings.GATEWAY_UPLOAD_MAX_BYTES = 1, 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = "x" * 10_000
    html = Client().post("/acme/", body, content_type="text/plain", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert fake("That is more than can be sent at once") in html
    translation.activate("de")  # what an earlier request of this thread left active
    try:
        html = Client().post("/acme/", body, content_type="text/plain").content.decode()
    finally:
        translation.deactivate()
    assert '<html lang="en"' in html and "That is more than can be sent at once" in html and "[de]" not in html
