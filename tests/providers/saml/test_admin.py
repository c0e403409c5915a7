"""The identity provider admin follows its preset (issue 17 item 2) and shows a SAML provider what its
registration needs: the ACS URL and SP entity id to copy, the metadata's state, Test connection."""

import json
import re

import pytest
from django.urls import reverse

from providers.models import IdentityProvider
from providers.presets import PRESETS

pytestmark = pytest.mark.django_db


def _fieldsets(html: str) -> dict[str, bool]:
    """protocol → whether its fieldset is shown (not `hidden`) on the page as the server renders it."""
    shown = {}
    for classes in re.findall(r'<fieldset class="([^"]*gw-protocol-[^"]*)"', html):
        protocol = re.search(r"gw-protocol-(\w+)", classes).group(1)
        shown[protocol] = "hidden" not in classes.split()
    return shown


def _where(html: str) -> list[str]:
    return re.findall(r'<div class="gw-where" data-preset="([^"]+)">', html)  # the ones not hidden


def test_a_saved_saml_provider_shows_its_acs_url_entity_id_metadata_and_only_its_own_help(operator_client, saml_idp):
    html = operator_client.get(reverse("admin:providers_identityprovider_change", args=[saml_idp.pk])).content.decode()
    assert _fieldsets(html) == {"oidc": False, "saml": True}
    assert 'data-copy="http://testserver/acme/saml/corp/acs/"' in html
    assert 'data-copy="http://testserver/acme/saml/corp/metadata/"' in html
    assert "Issuer https://idp.example.test/saml; 1 signing certificate(s); pasted." in html
    assert _where(html) == ["saml"]
    assert "shows the NameID and every attribute that came back" in html


def test_a_saved_oidc_provider_shows_only_its_fieldset_and_help(operator_client, tenant):
    provider = IdentityProvider.objects.create(tenant=tenant, slug="sf", name="SF", preset="salesforce", client_id="x")
    html = operator_client.get(reverse("admin:providers_identityprovider_change", args=[provider.pk])).content.decode()
    assert _fieldsets(html) == {"oidc": True, "saml": False}
    assert _where(html) == ["salesforce"]
    assert 'data-copy="http://testserver/acme/oidc/sf/callback/"' in html


def test_the_page_carries_what_its_script_needs_to_follow_any_preset(operator_client, tenant):
    html = operator_client.get(reverse("admin:providers_identityprovider_add")).content.decode()
    data = json.loads(re.search(r'<script id="gw-provider-form" type="application/json">(.*?)</script>', html).group(1))
    assert set(data["presets"]) == set(PRESETS)
    assert data["presets"]["entra_saml"]["protocol"] == "saml" and data["presets"]["okta"]["needsDomain"]
    assert data["urls"]["acs"] == f"http://testserver/{data['tenant']}/saml/{data['provider']}/acs/"
    assert '<optgroup label="SAML 2.0">' in html and "providers/admin/provider_form.js" in html
    assert 'placeholder="example.com example.org"' in html


def test_a_saml_provider_is_added_with_pasted_metadata(operator_client, tenant, idp_keys):
    from tests.providers.saml import builder

    page = operator_client.post(reverse("admin:providers_identityprovider_add"), {
        "tenant": tenant.pk, "preset": "entra_saml", "name": "Contoso", "slug": "contoso", "is_enabled": "on",
        "order": 0, "metadata_xml": builder.metadata_xml(idp_keys[1]), "scopes": "openid", "clock_leeway": 60,
        "token_auth_method": "client_secret_basic", "mapping-TOTAL_FORMS": 0, "mapping-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert page.status_code == 302, page.content.decode()[:3000]
    provider = IdentityProvider.objects.get(slug="contoso")
    assert (
        provider.is_saml and provider.mapping.display_name == "http://schemas.microsoft.com/identity/claims/displayname"
    )


def test_a_saml_form_with_errors_comes_back_with_the_saml_fieldset_shown(operator_client, tenant):
    page = operator_client.post(reverse("admin:providers_identityprovider_add"), {
        "tenant": tenant.pk, "preset": "saml", "name": "Corp", "slug": "corp", "order": 0, "clock_leeway": 60,
        "scopes": "openid", "token_auth_method": "client_secret_basic", "mapping-TOTAL_FORMS": 0,
        "mapping-INITIAL_FORMS": 0,
    })  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200 and "SAML needs the provider&#x27;s metadata" in html
    assert _fieldsets(html) == {"oidc": False, "saml": True}
