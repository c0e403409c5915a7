"""Sign-in views: choose a provider, start, come back (callback), sign out. Thin: the work is in flow/backend.

Each view is a `sign_in_page`: the tenant is resolved once (`request.tenant`) and a `SignInError` raised
below becomes the error page (`sso_gateway.pages`).
"""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from providers.errors import ProviderUnavailable, SignInError
from providers.models import IdentityProvider
from providers.oidc import discovery, flow, transaction
from providers.oidc.backend import GatewayOIDCBackend
from providers.oidc.limits import sign_in_throttle
from providers.oidc.redirects import safe_next
from providers.pages import sign_in_page
from providers.selectors import provider_get, provider_get_enabled, provider_pick
from providers.services import login_event_record
from providers.sessions import customer_get, customer_login, customer_logout
from tenants.models import Tenant


def login_url(provider: IdentityProvider, next_path: str, *, reauth: bool = False) -> str:
    return f"{provider.login_path()}?{urlencode({'next': next_path, **({'reauth': '1'} if reauth else {})})}"


def reauth_asked(request) -> bool:
    """`?reauth=1`: the customer must sign in again at the provider, not ride its session (native mode's ForceAuthn)."""
    return request.GET.get("reauth") == "1"


@require_GET
@sign_in_page
def choose(request, *, tenant_slug):
    """One provider: straight there. Several: a choice page, or the one whose email domains match."""
    tenant = request.tenant
    next_path = safe_next(request.GET.get("next"), tenant_slug=tenant_slug)
    email = request.GET.get("email", "").strip()[:254]
    provider, providers = provider_pick(tenant=tenant, idp=request.GET.get("idp", ""), email=email)
    reauth = reauth_asked(request)
    if provider is not None:
        return _start(request, provider=provider, next_path=next_path, reauth=reauth)
    choices = [(candidate, login_url(candidate, next_path, reauth=reauth)) for candidate in providers]
    context = {
        "tenant": tenant,
        "choices": choices,
        "email": email,
        "next": next_path,
        "reauth": reauth,
        "no_match": bool(email),
    }
    return render(request, "portal/choose.html", context)


@require_GET
@sign_in_page
def login(request, *, tenant_slug, provider_slug):
    provider = provider_get_enabled(tenant=request.tenant, slug=provider_slug)
    next_path = safe_next(request.GET.get("next"), tenant_slug=tenant_slug)
    return _start(request, provider=provider, next_path=next_path, reauth=reauth_asked(request))


def _start(request, *, provider: IdentityProvider, next_path: str, reauth: bool = False) -> HttpResponseRedirect:
    """Every sign-in start goes through here: counted by the rate limits, then straight to the provider.

    A SAML provider's start is its own view (providers/saml/views.py, reached by URL name so that this
    package never imports that one): it counts the attempt and sends the AuthnRequest.
    """
    if provider.is_saml:
        kwargs = {"tenant_slug": provider.tenant.slug, "provider_slug": provider.slug}
        query = {"next": next_path, **({"reauth": "1"} if reauth else {})}
        return redirect(f"{reverse('providers:saml_start', kwargs=kwargs)}?{urlencode(query)}")
    sign_in_throttle(request, tenant_slug=provider.tenant.slug, step="start")
    return flow.sign_in_start(request=request, provider=provider, next_path=next_path, reauth=reauth)


@require_GET
def callback(request, *, tenant_slug, provider_slug):
    """The redirect_uri. Whatever happens, the transaction cookie of this state is used up."""
    response = _callback(request, tenant_slug=tenant_slug, provider_slug=provider_slug)
    transaction.forget(response, state=request.GET.get("state", ""), tenant_slug=tenant_slug)
    return response


@sign_in_page
def _callback(request, *, tenant_slug, provider_slug):
    sign_in_throttle(request, tenant_slug=tenant_slug, step="callback")
    tenant = request.tenant
    provider = provider_get(tenant=tenant, slug=provider_slug)
    if provider is None:
        raise ProviderUnavailable(f"no identity provider {provider_slug[:50]!r} at this tenant.")
    # Without a valid transaction this is not an attempt of this browser (a crawler, a replay): no row.
    tx = flow.transaction_for(request, provider=provider)
    try:
        code = flow.callback_code(request, provider=provider, tx=tx)
        backend = GatewayOIDCBackend(provider)
        flow.check_iss_parameter(request, metadata=backend.metadata)
        if tx.test:
            return _test_result(request, provider=provider, backend=backend, code=code, tx=tx)
        customer = backend.authenticate(request, code=code, transaction=tx)
    except SignInError as error:
        event = login_event_record(
            request=request, tenant=tenant, provider=provider, reason=error.reason, detail=error.detail, is_test=tx.test
        )
        error.reference, error.for_staff = event.reference, tx.test
        raise
    customer_login(request, customer=customer)
    login_event_record(request=request, tenant=tenant, provider=provider, customer=customer)
    return HttpResponseRedirect(safe_next(tx.next_path, tenant_slug=tenant_slug))


def _test_result(request, *, provider, backend, code, tx):
    """Test connection: every claim and the mapped result; no customer, no session (nothing is provisioned)."""
    verified = backend.verify_sign_in(code=code, transaction=tx)
    error = verified.mapping_error
    event = login_event_record(
        request=request,
        tenant=provider.tenant,
        provider=provider,
        reason=error.reason if error else "",
        detail=error.detail if error else "test connection succeeded",
        is_test=True,
    )
    context = {
        "tenant": provider.tenant,
        "provider": provider,
        "verified": verified,
        "id_claims": sorted(verified.id_claims.items()),
        "userinfo": sorted(verified.userinfo.items()),
        "mapped": verified.mapped.as_dict() if verified.mapped else None,
        "mapping_error": error,
        "reference": event.reference,
    }
    response = render(request, "portal/test_connection.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@sign_in_page(active_only=False)
def logout(request, *, tenant_slug):
    """End the local session at this tenant (switched off or not); offer RP-initiated logout at the provider."""
    tenant = request.tenant
    customer = customer_get(request, tenant=tenant)
    customer_logout(request, tenant=tenant)
    end_session = _end_session_url(customer.provider) if customer else ""
    context = {"tenant": tenant, "provider": customer.provider if customer else None, "end_session": end_session}
    return render(request, "portal/signed_out.html", context)


def _end_session_url(provider: IdentityProvider) -> str:
    """OpenID Connect RP-Initiated Logout 1.0, section 2: client_id identifies us; no token is kept to hint."""
    if provider.is_saml:
        return ""  # SAML Single Logout is not offered: the local session ends, the provider's stays
    try:
        endpoint = discovery.metadata_get(provider=provider).end_session_endpoint
    except SignInError:
        return ""
    if not endpoint:
        return ""
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode({'client_id': provider.client_id})}"


def sign_in_redirect(request, *, tenant: Tenant, next_path: str, reauth: bool = False) -> HttpResponseRedirect:
    """Where a page that needs a signed-in customer sends an anonymous visitor.

    When one provider applies (the tenant has one, or the link's `?idp=` names one), the sign-in
    starts right here: the visitor goes from the substitute link straight to the provider, one
    request instead of three. Otherwise to the choice page, keeping `?idp=`. `reauth`: the provider is asked
    to authenticate the customer again (OIDC `prompt=login`, SAML `ForceAuthn`), whichever one is picked.
    """
    provider, _ = provider_pick(tenant=tenant, idp=request.GET.get("idp", "")[:50])
    if provider is not None:
        next_path = safe_next(next_path, tenant_slug=tenant.slug)
        return _start(request, provider=provider, next_path=next_path, reauth=reauth)
    query = {"next": next_path, **({"reauth": "1"} if reauth else {})}
    if request.GET.get("idp"):
        query["idp"] = request.GET["idp"][:50]
    return redirect(f"{reverse('providers:choose', kwargs={'tenant_slug': tenant.slug})}?{urlencode(query)}")
