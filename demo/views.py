"""The demo identity provider's two pages of its own: pick who you are, then OAuth's authorize.

Everything else (token, userinfo, JWKS, discovery) is django-oauth-toolkit unchanged. The visitor
is never the Django user of the admin session that may share this browser: the authorize view sees
only the demo customer picked on the previous page, and forgets the pick once used, so every
sign-in asks again (pick another customer to see another portal).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from oauth2_provider.views import AuthorizationView

from demo.customers import DEMO_CUSTOMERS, USERNAME_PREFIX
from sso_gateway.pages import PageError, page_error_response

SESSION_KEY = "demo_idp.customer"


class NotThroughASignIn(PageError):
    status = 400
    reason = "demo_pick_without_sign_in"
    title = "Open this page through a sign-in"
    advice = "The demo identity provider is reached from a substitute link of the gateway: open one and sign in there."


class DemoAuthorizationView(AuthorizationView):
    """OIDC Core 3.1.2.1 authorize, for the demo customer picked on `pick` (anonymous otherwise)."""

    login_url = reverse_lazy("demo_idp_pick")

    def dispatch(self, request, *args, **kwargs):
        picked = request.session.pop(SESSION_KEY, None)
        user = get_user_model().objects.filter(pk=picked, username__startswith=USERNAME_PREFIX).first()
        request.user = user or AnonymousUser()
        return super().dispatch(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def pick(request):
    """The demo's "login page": one button per demo customer, no password."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not _is_authorize_url(request, next_url):
        return page_error_response(request, NotThroughASignIn(f"next={next_url[:100]!r}"))
    if request.method == "POST":
        customer = next((c for c in DEMO_CUSTOMERS if c.key == request.POST.get("customer")), None)
        user = get_user_model().objects.filter(username=customer.username).first() if customer else None
        if user is not None:
            request.session[SESSION_KEY] = user.pk
            return HttpResponseRedirect(next_url)
    return render(request, "demo/pick.html", {"customers": DEMO_CUSTOMERS, "next": next_url})


def _is_authorize_url(request, url: str) -> bool:
    """Only this provider's own authorize endpoint may follow the pick (no open redirect)."""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    return safe and url.startswith(reverse("oauth2_provider:authorize") + "?")
