"""Cached reads from Jira for the portal.

Request types, their groups and each type's field metadata change rarely and are the same for every
customer of a desk, so they are cached per tenant and desk for `GATEWAY_JIRA_METADATA_TTL` seconds
(default 300): the portal page and the create form cost no Jira call while the cache is warm. The
key carries the Jira connection's id and last change, so a re-pointed connection never serves an
old site's metadata. Request types and fields are asked for in the customer's language (Accept-Language:
JSM answers translated names), so their keys carry the language too: one customer's German names never
show on another's English page.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from providers.models import Customer
from tenants import services
from tenants.jira.client import INTERACTIVE, JiraClient
from tenants.jira.types import Organization, RequestType, RequestTypeField, RequestTypeGroup
from tenants.models import ServiceDesk, Tenant

PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Catalogue:
    """A desk's request types as the portal shows them: in JSM's groups, in JSM's order."""

    groups: tuple[tuple[RequestTypeGroup, tuple[RequestType, ...]], ...]
    types: tuple[RequestType, ...] = field(default=())

    def narrowed(self, keep) -> "Catalogue":
        """The same catalogue with only the types `keep(type)` accepts (and no group left empty)."""
        groups = tuple((g, kept) for g, ts in self.groups if (kept := tuple(t for t in ts if keep(t))))
        return Catalogue(groups=groups, types=tuple(t for t in self.types if keep(t)))

    def request_type(self, request_type_id: str) -> RequestType | None:
        return next((t for t in self.types if t.id == request_type_id), None)

    def has_icon(self, icon_id: str) -> bool:
        return bool(icon_id) and any(t.icon_id == icon_id for t in self.types)


def client_for(*, tenant: Tenant) -> JiraClient:
    """The tenant's client with the interactive retry policy: a customer is waiting for the page. It asks in the
    customer's language (the active one) for names JSM translates."""
    connection = services.jira_connection_of(tenant=tenant)
    return services.jira_client(connection=connection, retry=INTERACTIVE, language=language())


def language() -> str:
    """The customer's language as the page shows it (sso_gateway/locales.py activated it)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def _ttl() -> int:
    return settings.GATEWAY_JIRA_METADATA_TTL


def _key(tenant: Tenant, *parts: str) -> str:
    connection = services.jira_connection_of(tenant=tenant)
    stamp = int(connection.updated_at.timestamp()) if connection.updated_at else 0
    return ":".join(["gw.portal", str(tenant.pk), str(connection.pk), str(stamp), *parts])


def catalogue(*, tenant: Tenant, desk: ServiceDesk) -> Catalogue:
    """GET requesttypegroup + GET requesttype (both paged), once per TTL per desk.

    Types in none of the desk's groups are left out, as JSM's portal hides them (JSM API, GET
    servicedesk/{id}/requesttype: "request types hidden in the portal (i.e. request types without groups
    ...)"). Restricted types stay in: `portal.access.request_types_visible` narrows it per customer.
    """
    key = _key(tenant, "catalogue", language(), desk.jira_id)
    found = cache.get(key)
    if found is None:
        client = client_for(tenant=tenant)
        groups = list(client.request_type_groups(desk.jira_id))
        types = tuple(client.request_types(desk.jira_id))
        grouped = tuple((g, tuple(t for t in types if g.id in t.group_ids)) for g in groups)
        in_a_group = {g.id for g in groups}
        found = Catalogue(
            groups=tuple((g, ts) for g, ts in grouped if ts),
            types=tuple(t for t in types if set(t.group_ids) & in_a_group),
        )
        cache.set(key, found, _ttl())
    return found


def request_type_fields(*, tenant: Tenant, desk: ServiceDesk, request_type_id: str) -> list[RequestTypeField]:
    key = _key(tenant, "fields", language(), desk.jira_id, request_type_id)
    found = cache.get(key)
    if found is None:
        found = client_for(tenant=tenant).request_type_fields(desk.jira_id, request_type_id)
        cache.set(key, found, _ttl())
    return found


def customer_organizations(*, tenant: Tenant, customer: Customer) -> set[str]:
    """Names (lower-case) of the JSM organizations the customer's Jira account is in; cached like metadata."""
    if not customer.jira_account_id:
        return set()
    key = _key(tenant, "orgs", customer.jira_account_id)
    found = cache.get(key)
    if found is None:
        found = {o.name.strip().lower() for o in client_for(tenant=tenant).organizations_of(customer.jira_account_id)}
        cache.set(key, found, _ttl())
    return found


def customer_organization_list(*, tenant: Tenant, customer: Customer) -> tuple[Organization, ...]:
    """The JSM organizations the customer's Jira account is in, as Jira names them (GET /organization?accountId=),
    cached like metadata: My requests' organization filter, the create form's organizations field."""
    if not customer.jira_account_id:
        return ()
    key = _key(tenant, "org-list", customer.jira_account_id)
    found = cache.get(key)
    if found is None:
        organizations = client_for(tenant=tenant).organizations_of(customer.jira_account_id)
        found = tuple(sorted(organizations, key=lambda o: o.name.lower()))
        cache.set(key, found, _ttl())
    return found


def customer_organization_names(*, tenant: Tenant, customer: Customer) -> tuple[str, ...]:
    """Their names (JQL's "Organizations" field takes names)."""
    return tuple(o.name for o in customer_organization_list(tenant=tenant, customer=customer))


def request_type_icon(*, tenant: Tenant, icon_id: str) -> bytes | None:
    """A request type's icon (PNG only: an SVG served from the gateway's origin could carry script)."""
    key = _key(tenant, "icon", icon_id)
    found = cache.get(key)
    if found is None:
        content, content_type = client_for(tenant=tenant).request_type_icon(icon_id)
        found = content if content_type.split(";")[0].strip() == "image/png" and content[:8] == PNG else b""
        cache.set(key, found, _ttl())
    return found or None
