"""Access rules per portal, set on each ServiceDesk in the admin.

`any`: every signed-in customer of the tenant. `restricted`: only customers in one of
`allowed_groups` (the IdP's group names, as mapped at sign-in) or in one of
`allowed_organizations` (JSM organization names). Organizations are known two ways, both counted:
the tenant's organization rules that match the customer (so a customer about to be put into an
organization by provisioning is not refused first), and the organizations Jira says the customer's
account is in (one cached call, only when groups did not already decide).

Request types: JSM's portal hides types in no request type group, and shows a RESTRICTED type
(`restrictionStatus`) only to the customers its admins chose, which the API does not tell (an administrator's
token lists every type). `ServiceDesk.request_type_access` maps a type to the groups and organizations that
may see it, counted as above: a restricted type nobody is mapped to is shown to nobody; a mapped open type is
narrowed to its mapping too (for a type restricted in ways the API does not expose).
"""

from django.utils.translation import gettext as _

from portal import jsm
from portal.errors import AccessRefused
from providers.models import Customer
from tenants import selectors
from tenants.jira.types import RequestType
from tenants.models import ServiceDesk, Tenant


def _normal(names) -> set[str]:
    return {str(n).strip().lower() for n in names or [] if str(n).strip()}


def desk_allows(*, customer: Customer, desk: ServiceDesk) -> bool:
    if customer.tenant_id != desk.tenant_id:
        return False
    if desk.access != ServiceDesk.Access.RESTRICTED:
        return True
    if set(customer.groups or []) & set(desk.allowed_groups or []):
        return True
    wanted = _normal(desk.allowed_organizations)
    return bool(wanted) and bool(wanted & customer_organizations(customer=customer, tenant=customer.tenant))


def customer_organizations(*, customer: Customer, tenant: Tenant) -> set[str]:
    rules = selectors.organization_rules_active(tenant=tenant)
    by_rule = _normal(r.organization_name for r in rules if r.matches(email=customer.email, groups=customer.groups))
    return by_rule | jsm.customer_organizations(tenant=tenant, customer=customer)


def desk_check(*, customer: Customer, desk: ServiceDesk) -> None:
    if not desk_allows(customer=customer, desk=desk):
        name = desk.project_name or desk.project_key
        raise AccessRefused(
            f"customer {customer.pk} is not in the groups or organizations allowed at desk {desk.jira_id}.",
            advice=_(
                "%(desk)s is open to selected customers only. Ask the %(company)s help desk team, or your own "
                "company's administrator, to give you access; then sign in again."
            )
            % {"desk": name, "company": desk.tenant.name},
        )


def desks_for(*, customer: Customer, tenant: Tenant) -> list[ServiceDesk]:
    """The tenant's active desks this customer may use (the help center's list)."""
    return [d for d in selectors.service_desks_active(tenant=tenant) if desk_allows(customer=customer, desk=d)]


def request_types_visible(*, customer: Customer, desk: ServiceDesk, catalogue: jsm.Catalogue) -> jsm.Catalogue:
    """The desk's catalogue as this customer may see it (types in no group are already out of it)."""
    rules = {str(k): v for k, v in (desk.request_type_access or {}).items()}
    organizations: set[str] | None = None

    def shown(request_type: RequestType) -> bool:
        nonlocal organizations
        rule = rules.get(request_type.id)
        if rule is None:
            return not request_type.restricted
        if set(customer.groups or []) & set(rule.get("groups") or []):
            return True
        wanted = _normal(rule.get("organizations"))
        if wanted and organizations is None:
            organizations = customer_organizations(customer=customer, tenant=desk.tenant)
        return bool(wanted & (organizations or set()))

    return catalogue.narrowed(shown)


def catalogue_for(*, customer: Customer, desk: ServiceDesk) -> jsm.Catalogue:
    """The desk's request types this customer may see and raise (the portal page, the create form, icons)."""
    return request_types_visible(customer=customer, desk=desk, catalogue=jsm.catalogue(tenant=desk.tenant, desk=desk))
