"""Sign in at panva's oidc-provider over plain HTTP: its dev login form, then its consent form.

`panva_sign_in(http, authorize_url, login=...)` takes a `requests.Session` (it keeps the provider's
interaction and session cookies), opens the authorize URL the gateway redirected to, follows the
provider's own redirects, fills the login form (any login, any password) and submits the consent form,
and returns the URL the provider finally sends the browser to: the gateway callback with `code`, `state`
and `iss`. It does not open that URL: give it to whichever client holds the gateway's cookies — Django's
test client (`client.get(path_and_query)`) or, with `live_server`, the same session.
"""

from urllib.parse import urljoin, urlsplit

import requests

from fakes.html_forms import Forms

MAX_STEPS = 12


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def panva_sign_in(http: requests.Session, authorize_url: str, *, login: str, password: str = "any") -> str:
    """Drive the provider from `authorize_url` to its redirect back to the client; return that URL."""
    provider_origin = _origin(authorize_url)
    response = http.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(MAX_STEPS):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if _origin(target) != provider_origin:
                return target
            response = http.get(target, allow_redirects=False, timeout=10)
            continue
        if response.status_code != 200:
            raise AssertionError(f"oidc-provider answered {response.status_code}: {response.text[:500]}")
        response = _submit(http, response, login=login, password=password)
    raise AssertionError("oidc-provider never sent the browser back to the client")


def _submit(http: requests.Session, page: requests.Response, *, login: str, password: str) -> requests.Response:
    parser = Forms()
    parser.feed(page.text)
    if not parser.forms:
        raise AssertionError(f"no form on the provider's page: {page.text[:500]}")
    form = parser.forms[0]
    fields = dict(form["fields"])
    if fields.get("prompt") == "login":
        fields.update(login=login, password=password)
    return http.post(urljoin(page.url, form["action"]), data=fields, allow_redirects=False, timeout=10)
