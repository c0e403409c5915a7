"""SAML views: start (AuthnRequest), the Assertion Consumer Service, and the SP metadata. Thin: the checks
are in providers.saml.response, the protocol steps in providers.saml.flow.

The tenant's login URL and substitute links reach `start` through the shared sign-in views
(providers/oidc/views.py sends a SAML provider's start here), so a SAML provider is chosen, routed by
email domain and rate limited exactly like an OpenID Connect one.
"""

from dataclasses import asdict

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from providers.errors import ProviderUnavailable, SignInError
from providers.oidc.limits import sign_in_throttle
from providers.oidc.redirects import safe_next
from providers.pages import sign_in_page
from providers.saml import flow, mapping, response, sp, transaction
from providers.saml.errors import SamlMessageRefused
from providers.selectors import attribute_mapping_of, provider_get, provider_get_enabled
from providers.services import customer_sign_in, login_event_record
from providers.sessions import customer_login


def _saml_provider(request, slug: str, *, enabled: bool):
    provider = (provider_get_enabled if enabled else provider_get)(tenant=request.tenant, slug=slug)
    if provider is None or not provider.is_saml:
        raise ProviderUnavailable(f"no SAML identity provider {slug[:50]!r} at this tenant.")
    return provider


@require_GET
@sign_in_page
def start(request, *, tenant_slug, provider_slug):
    provider = _saml_provider(request, provider_slug, enabled=True)
    sign_in_throttle(request, tenant_slug=tenant_slug, step="start")
    next_path = safe_next(request.GET.get("next"), tenant_slug=tenant_slug)
    reauth = request.GET.get("reauth") == "1"  # native mode's ForceAuthn, passed on
    return flow.sign_in_start(request=request, provider=provider, next_path=next_path, reauth=reauth)


@require_safe  # GET and HEAD: federation tools check metadata URLs with either
@sign_in_page(active_only=False)
def metadata(request, *, tenant_slug, provider_slug):
    """The SP metadata of this provider row (its URL is the SP entity id), for the provider to import."""
    provider = _saml_provider(request, provider_slug, enabled=False)
    return HttpResponse(sp.sp_metadata(provider), content_type="application/samlmetadata+xml")


@csrf_exempt  # the provider's cross-site POST (HTTP-POST binding); InResponseTo ties it to this browser
@require_POST
def acs(request, *, tenant_slug, provider_slug):
    """Whatever happens, the transaction cookie of the request this response names is used up."""
    page = _acs(request, tenant_slug=tenant_slug, provider_slug=provider_slug)
    tx = getattr(request, "_saml_transaction", None)
    if tx is not None:
        transaction.forget(page, request_id=tx.request_id, tenant_slug=tenant_slug)
    return page


@sign_in_page
def _acs(request, *, tenant_slug, provider_slug):
    sign_in_throttle(request, tenant_slug=tenant_slug, step="callback")
    provider = _saml_provider(request, provider_slug, enabled=False)
    posted = request.POST.get("SAMLResponse", "")
    if not posted:
        raise SamlMessageRefused("the POST carries no SAMLResponse.", reason="saml_missing")
    root = response.decode(posted)
    if flow.needs_same_site_resubmit(request, root=root):
        return _resubmit(request, posted=posted)
    # Without this browser's pending request this is not its attempt (a crawler, a replay elsewhere): no row.
    tx = request._saml_transaction = flow.transaction_for(request, provider=provider, root=root)
    is_test = tx is not None and tx.test
    try:
        flow.acs_allowed(request, provider=provider, tx=tx)
        assertion = flow.assertion_verify(provider=provider, root=root, tx=tx)
        if is_test:
            return _test_result(request, provider=provider, assertion=assertion)
        identity = mapping.assertion_map(assertion, provider=provider, mapping=attribute_mapping_of(provider=provider))
        customer = customer_sign_in(provider=provider, identity=identity)
    except SignInError as error:
        event = login_event_record(request=request, tenant=request.tenant, provider=provider, reason=error.reason,
                                   detail=error.detail, is_test=is_test)  # fmt: skip
        error.reference, error.for_staff = event.reference, is_test
        raise
    customer_login(request, customer=customer)
    login_event_record(request=request, tenant=request.tenant, provider=provider, customer=customer)
    next_path = tx.next_path if tx is not None else request.POST.get("RelayState", "")
    return HttpResponseRedirect(safe_next(next_path, tenant_slug=tenant_slug))


def _resubmit(request, *, posted: str):
    """The provider's cross-site POST arrived without this browser's SameSite=Lax request cookie: post the same
    fields again from a page of ours, a same-site POST that carries it (once: the repost is marked)."""
    context = {"tenant": request.tenant, "action": request.path, "saml_response": posted,
               "relay_state": request.POST.get("RelayState", "")[:100]}  # fmt: skip
    page = render(request, "providers/saml_continue.html", context)
    page["Cache-Control"] = "no-store"
    return page


def _test_result(request, *, provider, assertion):
    """Test connection: the NameID, every attribute and the mapped result; no customer, no session."""
    mapped, error = None, None
    try:
        mapped = mapping.assertion_map(assertion, provider=provider, mapping=attribute_mapping_of(provider=provider))
    except SignInError as exc:
        error = exc
    event = login_event_record(
        request=request, tenant=provider.tenant, provider=provider, reason=error.reason if error else "",
        detail=error.detail if error else "test connection succeeded", is_test=True,
    )  # fmt: skip
    context = {
        "tenant": provider.tenant,
        "provider": provider,
        "assertion": assertion,
        "attributes": sorted(assertion.attributes.items()),
        "mapped": asdict(mapped) if mapped else None,
        "mapping_error": error,
        "reference": event.reference,
    }
    page = render(request, "providers/saml_test_connection.html", context)
    page["Cache-Control"] = "no-store"
    return page
