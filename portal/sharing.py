"""Who a customer may share a request with, found without telling them who else has an account.

The service account is a Jira administrator: a search through it (GET /rest/api/3/user/search) finds every
account of the site, agents included, and answering "no such customer" to one address and sharing with
another told a customer which emails have accounts. JSM's portal lets a customer share with other customers
of the service desk, or only with members of their own organizations, or with nobody (its "customer
sharing" setting, which the API does not expose: `ServiceDesk.sharing` holds it). So the gateway looks
only there, reading what the JSM API lists:

- the desk's customers, by exact email (GET servicedesk/{id}/customer?query=, experimental);
- members of the organizations on the desk (GET servicedesk/{id}/organization, GET organization/{id}/user),
  or, with `organization` sharing, of those the sharing customer is in (GET organization?accountId=).

Every refusal (unknown address, an agent, another desk's customer, another organization, themselves, already
on the request, sharing off, too many attempts) is the one `ShareRefused`, shown as one message. Attempts are
counted per customer in a fixed window (GATEWAY_RATE_SHARE_PER_CUSTOMER, default 10/m), with the sign-in
limiter's counters (providers/oidc/limits.py), so a customer cannot walk a list of addresses.
"""

import logging
from itertools import islice

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from providers.models import Customer
from providers.oidc import limits
from providers.oidc.limits import Rate, counters_hit
from tenants.jira.client import JiraClient
from tenants.jira.types import JiraUser
from tenants.models import ServiceDesk

logger = logging.getLogger(__name__)

DEFAULT_RATE = "10/m"
#: At most this many customers are read per attempt (desk customers matching the address, organization members).
SCAN_LIMIT = 500


class ShareRefused(Exception):
    """Not shared; why is the gateway's business only (the log), never the customer's."""


def _rate() -> Rate:
    """The configured rate (`manage.py check` names a bad one); one that cannot be read is logged and the default
    used (never a 500 page)."""
    value = settings.GATEWAY_RATE_SHARE_PER_CUSTOMER or DEFAULT_RATE
    try:
        return Rate.parse(value)
    except ImproperlyConfigured as exc:
        logger.error("GATEWAY_RATE_SHARE_PER_CUSTOMER: %s Using %s.", exc, DEFAULT_RATE)
        return Rate.parse(DEFAULT_RATE)


def share_throttle(*, customer: Customer) -> None:
    """Count one attempt; `ShareRefused` when this customer went over the rate in the current window."""
    rate = _rate()
    now = int(limits.clock())  # the limiter's one clock (tests hold it still)
    key = f"gw.share.{customer.pk}.{now - now % rate.seconds}"
    [count] = counters_hit([(key, rate.seconds)])
    if count > rate.count:
        raise ShareRefused(f"customer {customer.pk} went over {rate.count} share attempts per {rate.seconds}s.")


def share_target(*, client: JiraClient, desk: ServiceDesk, customer: Customer, email: str) -> JiraUser:
    """The active customer with exactly this email whom `customer` may share with at `desk`, else `ShareRefused`."""
    wanted = email.strip().lower()
    if desk.sharing == ServiceDesk.Sharing.OFF or "@" not in wanted or not customer.jira_account_id:
        raise ShareRefused("sharing is off at this desk, or the address or the customer's account is missing.")
    found = None
    if desk.sharing == ServiceDesk.Sharing.DESK:
        found = _exact(islice(client.service_desk_customers(desk.jira_id, query=wanted), SCAN_LIMIT), wanted)
    if found is None:
        found = _exact(islice(_organization_members(client, desk, customer), SCAN_LIMIT), wanted)
    if found is None or not found.active or found.account_id == customer.jira_account_id:
        raise ShareRefused(f"the address is no customer this customer may share with at desk {desk.jira_id}.")
    return found


def _exact(users, wanted: str) -> JiraUser | None:
    return next((u for u in users if u.email.lower() == wanted), None)


def _organization_members(client: JiraClient, desk: ServiceDesk, customer: Customer):
    """Members of the desk's organizations (`organization` sharing: only those the customer is in)."""
    organizations = {o.id for o in client.service_desk_organizations(desk.jira_id)}
    if desk.sharing == ServiceDesk.Sharing.ORGANIZATION:
        organizations &= {o.id for o in client.organizations_of(customer.jira_account_id)}
    for organization_id in sorted(organizations):
        yield from client.organization_users(organization_id)


def desk_customer(*, client: JiraClient, desk: ServiceDesk, email: str) -> JiraUser | None:
    """The active customer of `desk` with exactly this email (a user-picker field's value): the desk's customers
    or the members of its organizations, never a search over every Jira user (agents included)."""
    wanted = email.strip().lower()
    found = _exact(islice(client.service_desk_customers(desk.jira_id, query=wanted), SCAN_LIMIT), wanted)
    if found is None:
        members = (u for o in client.service_desk_organizations(desk.jira_id) for u in client.organization_users(o.id))
        found = _exact(islice(members, SCAN_LIMIT), wanted)
    return found if found is not None and found.active else None
