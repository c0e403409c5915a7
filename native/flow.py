"""Answering an AuthnRequest: the tenant's native-mode settings, the assertion for a signed-in customer, the
auto-submitting form, and the sign-in log.

At each assertion the customer's Jira account and JSM organizations follow the tenant's organization rules
(`portal.services.customer_organizations_apply`, retried by the worker while Jira is down). Only a verified
email is asserted: Atlassian makes or finds the portal-only account by the NameID alone
(docs/native-mode.md), so an email the provider did not vouch for would let anyone who can type it into an
identity provider become that customer in JSM. Every assertion, and every refusal of a signed-in customer,
is a row in the sign-in log (customer, provider, the SP, the outcome) under the reference its page shows.
"""

from django.shortcuts import render
from django.utils import timezone

from native import assertion
from native.errors import EmailUnverified, NativeUnavailable, SigningKeyUnreadable
from native.idp import idp_urls
from native.keys import idp_key_current
from native.pending import Pending
from portal.services import customer_organizations_apply
from providers.errors import JiraAccountRefused
from providers.models import Customer
from providers.services import login_event_record
from sso_gateway import saml
from tenants.crypto import SecretUnreadable
from tenants.models import AtlassianSaml, Tenant


def native_config(*, tenant: Tenant) -> AtlassianSaml:
    """The tenant's Atlassian values, when it is in native mode and they are set; else a 404 page."""
    if not tenant.native_mode:
        raise NativeUnavailable(f"tenant {tenant.slug!r} is not in native mode.")
    config = AtlassianSaml.objects.filter(tenant=tenant).first()
    if config is None or not config.is_complete:
        raise NativeUnavailable(f"tenant {tenant.slug!r} has no Atlassian SP values yet.", reason="native_unconfigured")
    return config


def signer_of(*, tenant: Tenant) -> assertion.Signer:
    try:
        key = idp_key_current(tenant=tenant)
    except SecretUnreadable as exc:
        raise SigningKeyUnreadable("the tenant's SAML signing key cannot be decrypted.") from exc
    return assertion.Signer(key_pem=str(key.private_key), cert_pem=key.certificate)


def _addressing(*, tenant: Tenant, pending: Pending) -> assertion.Addressing:
    return assertion.Addressing(
        issuer=idp_urls(tenant=tenant).entity_id,
        acs_url=pending.acs_url,
        audience=pending.sp_entity_id,
        in_response_to=pending.request_id,
    )


def post_form(request, *, acs_url: str, message: bytes, relay_state: str | None):
    """The HTTP-POST binding (Bindings §3.5.4): a form the browser submits to the ACS at once."""
    context = {"acs_url": acs_url, "saml_response": saml.encode_post(message), "relay_state": relay_state}
    response = render(request, "native/post_form.html", context)
    response["Cache-Control"] = "no-store"
    return response


def answer_failure(request, *, tenant: Tenant, pending: Pending, sub_status: str, message: str):
    """A Response without an assertion (NoPassive, InvalidNameIDPolicy) posted to the verified ACS."""
    signed = assertion.response_failure(
        _addressing(tenant=tenant, pending=pending),
        status="Responder" if sub_status == "NoPassive" else "Requester",
        sub_status=sub_status,
        message=message,
        signer=signer_of(tenant=tenant),
        now=timezone.now(),
    )
    return post_form(request, acs_url=pending.acs_url, message=signed, relay_state=pending.relay_state)


def customer_assert(request, *, tenant: Tenant, customer: Customer, pending: Pending):
    """The signed Success response for `customer`, posted to the ACS; or EmailUnverified, logged."""
    if customer.tenant_id != tenant.pk:  # customer_get is per tenant; this is the non-negotiable, said twice
        raise ValueError("The customer is not one of this tenant's.")
    where = f"SAML assertion to {pending.sp_entity_id}"
    if not customer.email_verified or not customer.email:
        error = EmailUnverified(f"{where} refused: {customer.provider.slug!r} did not vouch for {customer.email}.")
        error.reference = _log(request, tenant=tenant, customer=customer, pending=pending, reason=error.reason,
                               detail=error.detail)  # fmt: skip
        raise error
    _organizations_apply(request, tenant=tenant, customer=customer, pending=pending, where=where)
    now = timezone.now()
    asserted = assertion.AssertedCustomer(
        email=customer.email,
        first_name=customer.first_name,
        last_name=customer.last_name,
        user_id=f"gw-{customer.tenant_id}-{customer.pk}",
        authn_instant=customer.last_login_at or now,
        session_index=saml.new_id(),
    )
    signed = assertion.response_success(
        _addressing(tenant=tenant, pending=pending), asserted, signer=signer_of(tenant=tenant), now=now
    )
    _log(request, tenant=tenant, customer=customer, pending=pending, reason="", detail=where)
    return post_form(request, acs_url=pending.acs_url, message=signed, relay_state=pending.relay_state)


def _organizations_apply(request, *, tenant, customer: Customer, pending: Pending, where: str) -> None:
    """Organization rules at each assertion (docs/native-mode.md); a test assertion changes nothing in Jira.

    Jira down does not hold the customer up (a worker retries); an identity refused the Jira account of its
    email is refused the assertion too, since Atlassian would hand it that very account.
    """
    if pending.test:
        return
    try:
        customer_organizations_apply(customer=customer)
    except JiraAccountRefused as error:
        error.reference = _log(request, tenant=tenant, customer=customer, pending=pending, reason=error.reason,
                               detail=f"{where} refused: {error.detail}")  # fmt: skip
        raise


def _log(request, *, tenant, customer, pending: Pending, reason: str, detail: str) -> str:
    event = login_event_record(
        request=request, tenant=tenant, provider=customer.provider, customer=customer,
        reason=reason, detail=detail, is_test=pending.test,
    )  # fmt: skip
    return event.reference
