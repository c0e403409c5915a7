"""The customer's language and time zone (choice, browser, tenant default) and the tenant's brand."""

import base64
import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from sso_gateway.templatetags.gw_time import day, when
from tenants.logos import MAX_BYTES, logo_content_type, logo_version
from tests.factories import TenantFactory
from tests.helpers import admin_client_for

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#0052cc"/></svg>'


@pytest.fixture
def tenant(db):
    return TenantFactory(slug="acme", name="Acme", default_language="de", default_time_zone="Europe/Berlin")


def home(client, **headers):
    return client.get(reverse("portal:home", kwargs={"tenant_slug": "acme"}), **headers)


# Language: the customer's choice, else the browser's, else the tenant's default.


def test_the_tenant_default_language_applies_when_the_browser_asks_for_none_we_speak(client, tenant):
    response = home(client, HTTP_ACCEPT_LANGUAGE="ko, zh;q=0.8")
    assert response["Content-Language"] == "de"
    assert b'<html lang="de"' in response.content


def test_the_browser_language_beats_the_tenant_default(client, tenant):
    response = home(client, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_a_chosen_language_is_remembered_and_beats_the_browser(client, tenant):
    response = client.get(reverse("set_language"), {"language": "ja", "next": "/acme/"})
    assert response.status_code == 302 and response["Location"] == "/acme/"
    assert client.get(reverse("set_language"), {"language": "ja", "next": "//evil.test/"})["Location"] == "/"
    again = home(client, HTTP_ACCEPT_LANGUAGE="fr")
    assert again["Content-Language"] == "ja"


def test_a_language_cookie_we_do_not_speak_is_ignored(client, tenant):
    client.cookies["gw_lang"] = "xx"
    assert home(client, HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"


# Time: the zone the browser reported or the customer chose, else the tenant's default.


def test_times_are_shown_in_the_tenant_zone_until_the_browser_reports_one(client, tenant):
    assert b'data-time-zone="Europe/Berlin"' in home(client).content
    client.cookies["gw_tz"] = "Asia/Tokyo"
    assert b'data-time-zone="Asia/Tokyo"' in home(client).content
    client.cookies["gw_tz"] = "Mars/Olympus"
    assert b'data-time-zone="Europe/Berlin"' in home(client).content


def test_the_time_zone_page_remembers_a_choice_and_refuses_an_unknown_zone(client, tenant):
    url = reverse("tenant_time_zone", kwargs={"tenant_slug": "acme"})
    page = client.get(url, {"next": "/acme/requests/"})
    assert page.status_code == 200 and b'value="America/New_York"' in page.content
    assert client.post(url, {"time_zone": "Nowhere/Land", "next": "/acme/"}).status_code == 400
    response = client.post(url, {"time_zone": "America/New_York", "next": "https://evil.test/"})
    assert response.status_code == 302 and response["Location"] == "/acme/"  # never off-site
    assert response.cookies["gw_tz"].value == "America/New_York"
    assert b'data-time-zone="America/New_York"' in home(client).content


@pytest.mark.parametrize(
    "language, zone, expected",
    [
        ("en", "Europe/Berlin", "10 Dec 2026, 15:30 CET"),
        ("de", "Europe/Berlin", "10. Dezember 2026, 15:30 CET"),
        ("ja", "Asia/Tokyo", "2026年12月10日 23:30 JST"),
        ("fr", "America/New_York", "10 décembre 2026, 09:30 EST"),
        ("pt-br", "America/Sao_Paulo", "10 de Dezembro de 2026, 11:30 -03"),
    ],
)
def test_a_jira_time_reads_in_the_customer_language_and_zone_with_the_zone_named(language, zone, expected):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        rendered = when("2026-12-10T14:30:00.000+0000")
        assert rendered == f'<time datetime="2026-12-10T14:30:00+00:00">{expected}</time>'
        # JSM's DateDTO and a Django datetime read the same.
        assert when({"iso8601": "2026-12-10T14:30:00+0000", "epochMillis": 1796913000000}) == rendered
        assert when(dt.datetime(2026, 12, 10, 14, 30, tzinfo=dt.UTC)) == rendered


def test_a_jira_date_is_a_date_in_the_customer_language_and_junk_is_shown_as_it_came():
    with translation.override("de"):
        assert day("2026-12-10") == '<time datetime="2026-12-10">10. Dezember 2026</time>'
    assert when("next Tuesday") == "next Tuesday"
    assert Template("{% load gw_time %}{{ v|when }}").render(Context({"v": "<b>x</b>"})) == "&lt;b&gt;x&lt;/b&gt;"


# The brand: an uploaded logo, checked, served as nothing but a picture; the announcement and title.


@pytest.mark.parametrize(
    "data, content_type",
    [(PNG, "image/png"), (SVG, "image/svg+xml"), (b"GIF89a" + b"\0" * 20, "image/gif")],
)
def test_logos_of_the_accepted_types_pass(data, content_type):
    assert logo_content_type(data) == content_type


@pytest.mark.parametrize(
    "data, says",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>', "links outside"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignobject"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(//x.test/a.css)</style></svg>', "CSS"),
        (b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>', "DTD"),
        (b"%PDF-1.7 not an image", "must be a PNG"),
        (PNG + b"\0" * MAX_BYTES, "at most"),
        (b"", "empty"),
    ],
)
def test_logos_that_could_act_or_are_not_images_are_refused_saying_why(data, says):
    with pytest.raises(ValidationError, match=says):
        logo_content_type(data)


def test_an_uploaded_logo_is_served_safely_and_shown_with_the_brand(tenant):
    client = admin_client_for(tenant)
    change = reverse("admin:tenants_tenant_change", args=[tenant.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form.initial.get(name, "") or "" for name in form.fields if name not in ("logo_file", "logo_remove")}
    data.update(
        help_center_name="Acme Support",
        announcement="Planned maintenance on Saturday.",
        is_active="on",
        logo_file=SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
    )
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tenant.refresh_from_db()
    assert bytes(tenant.logo) == PNG and tenant.logo_content_type == "image/png"

    logo_url = reverse("tenant_logo", kwargs={"tenant_slug": "acme", "version": logo_version(PNG)})
    served = client.get(logo_url)
    assert served.content == PNG and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff" and "sandbox" in served["Content-Security-Policy"]
    assert client.get(reverse("tenant_logo", kwargs={"tenant_slug": "acme", "version": "old"})).status_code == 404

    page = home(client).content.decode()
    assert f'<link rel="icon" href="{logo_url}">' in page and f'<img src="{logo_url}"' in page
    assert "Acme Support" in page and "Planned maintenance on Saturday." in page


def test_an_svg_with_script_is_refused_in_the_admin_with_the_reason(tenant):
    client = admin_client_for(tenant)
    change = reverse("admin:tenants_tenant_change", args=[tenant.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form.initial.get(name, "") or "" for name in form.fields if name not in ("logo_file", "logo_remove")}
    data.update(is_active="on", logo_file=SimpleUploadedFile("x.svg", b'<svg onload="alert(1)"/>'))
    response = client.post(change, data)
    assert response.status_code == 200
    assert "event handler" in str(response.context["adminform"].form.errors["logo_file"])
    tenant.refresh_from_db()
    assert not tenant.logo
