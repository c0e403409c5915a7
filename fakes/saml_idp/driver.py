"""Sign in at the samlify test IdP over plain HTTP, as a browser would without JavaScript.

`saml_idp_sign_in(http, sso_url, login=...)` opens the AuthnRequest URL the gateway redirected to, fills
the login form, and returns (acs_url, fields) of the auto-posting form that carries the SAMLResponse:
give them to whichever client holds the gateway's cookies (Django's test client: `client.post(path,
fields)`).
"""

from urllib.parse import urljoin

import requests

from fakes.html_forms import Forms


def _form(page: requests.Response) -> dict:
    if page.status_code != 200:
        raise AssertionError(f"the SAML IdP answered {page.status_code}: {page.text[:500]}")
    parser = Forms()
    parser.feed(page.text)
    if not parser.forms:
        raise AssertionError(f"no form on the SAML IdP's page: {page.text[:500]}")
    return parser.forms[0]


def saml_idp_sign_in(http: requests.Session, sso_url: str, *, login: str) -> tuple[str, dict]:
    login_page = http.get(sso_url, allow_redirects=False, timeout=10)
    form = _form(login_page)
    posted = http.post(urljoin(login_page.url, form["action"]), data={**form["fields"], "login": login}, timeout=10)
    form = _form(posted)
    return form["action"], form["fields"]
