"""A Content-Security-Policy on every page: only the gateway's own scripts and styles run.

The portal shows text that customers, agents and Jira wrote, and the admin shows what tenant admins
typed; both are escaped or sanitised (portal/rendering.py), and this policy is the second line when
that fails: an injected `<script>` or `<style>` without the page's nonce, an inline event handler, a
script from elsewhere, a `<base>` or an `<object>` do nothing (CSP Level 3; OWASP Content Security
Policy Cheat Sheet, "Strict policy"). The nonce is fresh per request (`request.csp_nonce`, the
`csp_nonce` template variable); the few inline elements (the tenant's brand colour, the periodic task
form of django-celery-beat) carry it.

Django 5.2 has no CSP of its own (6.0 will, with the same `csp_nonce` name, so this module can go
then). `form-action` is left out on purpose: browsers check it on the redirect after a form, and the
sign-in choice and sign-out forms redirect to each tenant's identity provider, which only the tenant
configuration knows.
"""

import secrets

from django.conf import settings

NONCE = "'nonce'"  # stands for 'nonce-<this request's nonce>' in GATEWAY_CSP (like Django 6.0's CSP.NONCE)


def policy(nonce: str) -> str:
    """GATEWAY_CSP as a header value, the placeholder replaced by `nonce`."""
    directives = []
    for name, sources in settings.GATEWAY_CSP.items():
        values = [f"'nonce-{nonce}'" if source == NONCE else source for source in sources]
        directives.append(" ".join([name, *values]))
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" in response or _debug_page(response):
            return response
        response["Content-Security-Policy"] = policy(request.csp_nonce)
        return response


def _debug_page(response) -> bool:
    """Django's own error pages with DEBUG on (development only) are built of inline styles and scripts."""
    return settings.DEBUG and response.status_code in (404, 500)


def nonce(request) -> dict:
    """Context processor: `{{ csp_nonce }}` for `<style nonce=...>` and `<script nonce=...>`."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
