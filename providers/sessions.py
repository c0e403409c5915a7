"""The customer's session: who is signed in at which tenant.

Customers are not Django users (those are admins), so `django.contrib.auth.login` does not
apply. A signed-in customer is one key in the Django session per tenant,
`gw.customer.<tenant id>` → {customer id, hash}; a session at tenant A means nothing at tenant B
(PRODUCT.md, non-negotiables). The hash binds the entry to the customer's identity and provider,
so deleting the customer or re-pointing the provider (another client id; for SAML, metadata of another
identity provider entity id) ends the session, as a password change ends a Django user's. The session key is
cycled at sign-in (session fixation). A sign-in lasts GATEWAY_CUSTOMER_SESSION_SECONDS
(sso_gateway/session_lifetime.py).
"""

from django.utils.crypto import constant_time_compare, salted_hmac

from providers.models import Customer
from sso_gateway import saml, session_lifetime
from tenants.models import Tenant

SALT = "gateway.portal.customer-session"  # unchanged since the move from portal: sessions stay valid


def _key(tenant_id: int) -> str:
    return f"gw.customer.{tenant_id}"


def _hash(customer: Customer) -> str:
    identity = f"{customer.pk}:{customer.tenant_id}:{customer.provider_id}:{customer.subject}"
    return salted_hmac(SALT, f"{identity}:{_provider_anchor(customer.provider)}", algorithm="sha256").hexdigest()


def _provider_anchor(provider) -> str:
    """What re-points a provider: its client id (OpenID Connect), its entity id (SAML: other metadata)."""
    if not provider.is_saml:
        return provider.client_id
    try:
        return provider.saml_metadata().entity_id
    except saml.SamlInputError:
        return ""


def customer_login(request, *, customer: Customer) -> None:
    session = request.session
    session.keys()  # loads the session: a key the store does not hold is dropped here
    if session.session_key is not None:
        session.cycle_key()  # session fixation: a key that existed before sign-in is never kept
    # A browser without a session gets its first key when the response saves it: one write, not two.
    request.session[_key(customer.tenant_id)] = {"id": customer.pk, "hash": _hash(customer)}
    session_lifetime.customer_signed_in(request.session)  # GATEWAY_CUSTOMER_SESSION_SECONDS
    _cache(request)[customer.tenant_id] = customer


def customer_get(request, *, tenant: Tenant) -> Customer | None:
    """The customer signed in at `tenant`, if any, and only while their provider is enabled."""
    cache = _cache(request)
    if tenant.pk not in cache:
        cache[tenant.pk] = _load(request, tenant=tenant)
    return cache[tenant.pk]


def _load(request, *, tenant: Tenant) -> Customer | None:
    entry = request.session.get(_key(tenant.pk)) if hasattr(request, "session") else None
    if not isinstance(entry, dict):
        return None
    customer = (
        Customer.objects.select_related("provider", "tenant")
        .filter(pk=entry.get("id"), tenant=tenant, provider__is_enabled=True)
        .first()
    )
    if customer is None or not constant_time_compare(_hash(customer), str(entry.get("hash", ""))):
        return None
    return customer


def customer_logout(request, *, tenant: Tenant) -> None:
    """End the session at this tenant; the whole Django session goes when nothing else is left in it."""
    request.session.pop(_key(tenant.pk), None)
    _cache(request).pop(tenant.pk, None)
    others = [key for key in request.session.keys() if key.startswith("gw.customer.") or key == "_auth_user_id"]  # noqa: SIM118 (not iterable)
    if others:
        request.session.cycle_key()
    else:
        request.session.flush()


def _cache(request) -> dict:
    if not hasattr(request, "_gw_customers"):
        request._gw_customers = {}
    return request._gw_customers
