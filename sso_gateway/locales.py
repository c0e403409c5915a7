"""The customer's language and time zone: their choice, else their browser's, else the tenant's default.

`CustomerLocaleMiddleware` activates, for every request, the language and time zone the visitor chose
(remembered in a cookie by the switchers in every page's footer) or, for the language, the first of the
browser's `Accept-Language` the gateway is translated into. What it could not decide it marks on the
request (`language_chosen`, `time_zone_chosen` are False), and `apply_tenant_defaults` (called by
`tenants.pages.tenant_page` once the tenant is known) then activates the tenant's defaults.

The time zone is detected in the browser (`portal/locale.js` writes the cookie once, with the zone
`Intl` reports), so a first visit shows the tenant's zone and every later one the customer's own.
Both cookies are plain preferences, not secrets; a value the gateway does not know is ignored.
"""

import zoneinfo
from functools import cache
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import trans_real

TIME_ZONE_COOKIE = "gw_tz"
COOKIE_MAX_AGE = 365 * 24 * 3600


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_valid(name: str) -> bool:
    return bool(name) and name in time_zones()


def supported_language(code: str) -> str | None:
    """The gateway's language for `code` (`de-AT` -> `de`, `pt-BR` -> `pt-br`), or None."""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _chosen_language(request) -> str | None:
    return supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")[:20])


def _browser_language(request) -> str | None:
    header = request.headers.get("Accept-Language", "")[:500]
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        if found := supported_language(code):
            return found
    return None


def request_language(request) -> str:
    """The visitor's chosen or browser language, else the gateway's default (for pages answered before the
    locale middleware runs, such as the body cap's 413; the tenant is not known there)."""
    return _chosen_language(request) or _browser_language(request) or settings.LANGUAGE_CODE


class CustomerLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = _chosen_language(request)
        language = chosen or _browser_language(request)
        request.language_chosen = language is not None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

        zone = unquote(request.COOKIES.get(TIME_ZONE_COOKIE, "")[:80])  # "Asia%2FTokyo" as written by older scripts
        request.time_zone_chosen = time_zone_valid(zone)
        if request.time_zone_chosen:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()

        response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def apply_tenant_defaults(request, tenant) -> None:
    """The tenant's default language and time zone, where the visitor has neither chosen nor sent one."""
    if not getattr(request, "language_chosen", True) and supported_language(tenant.default_language or ""):
        translation.activate(tenant.default_language)
        request.LANGUAGE_CODE = translation.get_language()
    if not getattr(request, "time_zone_chosen", True) and time_zone_valid(tenant.default_time_zone):
        timezone.activate(zoneinfo.ZoneInfo(tenant.default_time_zone))


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone but the legacy aliases, sorted: what the time-zone switcher offers."""
    names = sorted(name for name in time_zones() if "/" in name and not name.startswith(("Etc/", "SystemV/")))
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def remember_time_zone(response, zone: str) -> None:
    """Keep the customer's chosen zone in the cookie every later request reads."""
    response.set_cookie(
        TIME_ZONE_COOKIE,
        zone,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,  # portal/locale.js reads it to know whether the zone was detected already
    )


def language_choose(request):
    """The language links in every page's footer: remember the choice, go back to the page.

    A plain link (GET), not a form: the choice is a harmless preference, and a page that shows the switcher
    then sets no CSRF cookie (anonymous error pages set none at all).
    """
    language = supported_language(request.GET.get("language", "")[:20])
    target = request.GET.get("next", "")
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=allowed, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
        )
    return response
