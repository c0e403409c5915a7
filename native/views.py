"""The tenant's SAML identity provider: metadata, the SSO URL (both bindings) and the continuation after sign-in.

Thin: the checks are in authn_request.py, the answer in flow.py. Each view is a `tenant_page` (the
metadata) or a `sign_in_page` (a tenant page that also turns an undecryptable secret into a 503), so a
problem is a 4xx page with a reference (never a 500). A customer without a session at this tenant goes
through the tenant's ordinary sign-in (`sign_in_redirect`: one provider straight away, else the choice
page with email-domain routing), whatever protocol its providers speak, and comes back to `resume`.
"""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from native import pending as pending_cookie
from native.authn_request import authn_request_read
from native.errors import NativeUnavailable, NotSignedIn, RequestInvalid
from native.flow import answer_failure, customer_assert, native_config
from native.idp import idp_urls, metadata_xml
from native.pending import Pending
from providers.oidc.limits import sign_in_throttle
from providers.oidc.views import sign_in_redirect
from providers.pages import sign_in_page
from providers.sessions import customer_get
from sso_gateway import saml
from tenants.pages import tenant_page


@require_GET
@tenant_page
def metadata(request, *, tenant_slug):
    """The EntityDescriptor Atlassian's admin page can be filled from (download, or read the three values)."""
    if not request.tenant.native_mode:
        raise NativeUnavailable(f"tenant {tenant_slug!r} is not in native mode.")
    response = HttpResponse(metadata_xml(tenant=request.tenant), content_type="application/samlmetadata+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{tenant_slug}-saml-idp-metadata.xml"'
    response["Cache-Control"] = "max-age=300"
    return response


@csrf_exempt  # Atlassian posts the HTTP-POST binding cross-site; the request carries no authority of its own
@require_http_methods(["GET", "POST"])
@sign_in_page
def sso(request, *, tenant_slug):
    tenant = request.tenant
    config = native_config(tenant=tenant)
    # Each answer costs two RSA signatures: counted like a sign-in start (per IP and per tenant; a 429 page).
    sign_in_throttle(request, tenant_slug=tenant.slug, step="saml_sso")
    if request.method == "POST":
        binding, params = saml.BINDING_POST, request.POST
    else:
        binding, params = saml.BINDING_REDIRECT, request.GET
    authn = authn_request_read(
        config=config,
        binding=binding,
        message=params.get("SAMLRequest", ""),
        relay_state=params.get("RelayState"),
        sso_url=idp_urls(tenant=tenant).sso_url,
        now=timezone.now(),
    )
    pending = Pending(
        tenant_id=tenant.pk,
        request_id=authn.id,
        sp_entity_id=config.sp_entity_id,
        acs_url=config.acs_url,
        relay_state=authn.relay_state,
        force_authn=authn.force_authn,
    )
    if not authn.name_id_policy_ok:
        message = "The identity provider asserts an email address (NameID format emailAddress) only."
        sub_status = "InvalidNameIDPolicy"
        return answer_failure(request, tenant=tenant, pending=pending, sub_status=sub_status, message=message)
    return proceed(request, pending=pending, is_passive=authn.is_passive)


def proceed(request, *, pending: Pending, is_passive: bool = False):
    """Assert a customer signed in at this tenant (unless ForceAuthn), answer NoPassive, or send them to sign in."""
    tenant = request.tenant
    customer = customer_get(request, tenant=tenant)
    if customer is not None and not pending.force_authn:
        return customer_assert(request, tenant=tenant, customer=customer, pending=pending)
    if is_passive:
        message = "The customer is not signed in at the gateway, and the request was passive."
        return answer_failure(request, tenant=tenant, pending=pending, sub_status="NoPassive", message=message)
    continuation = reverse("native:resume", kwargs={"tenant_slug": tenant.slug}) + "?" + urlencode({"p": pending.key})
    response = sign_in_redirect(request, tenant=tenant, next_path=continuation, reauth=pending.force_authn)
    response["Cache-Control"] = "no-store"
    pending_cookie.store(response, pending=pending, tenant_slug=tenant.slug, request=request)
    return response


@require_GET
def resume(request, *, tenant_slug):
    """Back from the sign-in: the pending request of this browser, answered; its cookie is used up either way."""
    response = _resume(request, tenant_slug=tenant_slug)
    pending_cookie.forget(response, key=request.GET.get("p", ""), tenant_slug=tenant_slug)
    return response


@sign_in_page
def _resume(request, *, tenant_slug):
    tenant = request.tenant
    pending = pending_cookie.load(request, key=request.GET.get("p", ""), tenant_id=tenant.pk)
    if not pending.test:
        config = native_config(tenant=tenant)
        if (config.sp_entity_id, config.acs_url) != (pending.sp_entity_id, pending.acs_url):
            raise RequestInvalid("the Atlassian SP values changed during the sign-in.", reason="native_config_changed")
    customer = customer_get(request, tenant=tenant)
    if customer is None:
        raise NotSignedIn("back from the sign-in without a session at this tenant.")
    signed_in_at = customer.last_login_at.timestamp() if customer.last_login_at else 0
    if pending.force_authn and signed_in_at < pending.issued_at:
        raise NotSignedIn("ForceAuthn: the customer did not sign in again after the request.", reason="force_authn")
    return customer_assert(request, tenant=tenant, customer=customer, pending=pending)
