"""Provisioning a signed-in customer in Jira Service Management: the steps against Jira.

`customer_provision_now` (called by `portal.services.customer_provision` at a page view, and by the
worker's retry in `portal.tasks`) finds the Jira account the identity is bound to
(`providers.models.JiraAccountBinding`), or binds one: a customer account found by the verified email,
exactly and case-insensitively (GET /rest/api/3/user/search matches prefixes, so the comparison is ours),
else created (POST /rest/servicedeskapi/customer). It adds the account to the service desk, applies the
tenant's organization rules,
and records each step (tenants.models.JiraAccountGrant) so a repeat sign-in with nothing changed
costs no Jira call and an interrupted run resumes where it stopped.
"""

import dataclasses
import hashlib
import logging
from contextlib import contextmanager

from django.core.cache import cache

from providers.errors import EmailNotVouched, JiraAccountNotCustomer
from providers.models import Customer, JiraAccountBinding
from providers.services import jira_account_claim
from tenants import selectors, services
from tenants.jira import errors
from tenants.jira.client import JiraClient, RetryPolicy
from tenants.jira.types import JiraUser
from tenants.models import JiraAccountGrant, OrganizationRule, ServiceDesk

logger = logging.getLogger(__name__)
Kind = JiraAccountGrant.Kind
CUSTOMER_ACCOUNT = "customer"  # Jira's accountType of a portal-only customer (platform API, User)
#: After a customer create whose outcome was lost, how long retries look the account up instead of posting
#: again: Jira may still be making it, and its user search lists a new account only after a while.
CREATE_SETTLE_SECONDS = 120


def provisioning_mark(customer: Customer, state: str, error: str) -> None:
    customer.provisioning, customer.provisioning_error = state, error
    Customer.objects.filter(pk=customer.pk).update(provisioning=state, provisioning_error=error)


def _wanted_orgs(*, customer: Customer, rules: list[OrganizationRule]) -> tuple[list, set[str]]:
    """(rules that match the customer, organization ids to remove them from)."""
    matching = [r for r in rules if r.matches(email=customer.email, groups=customer.groups)]
    keep = {r.organization_id for r in matching}
    removable = {r.organization_id for r in rules if r.remove_when_unmatched and r.organization_id} - keep
    return matching, removable - {""}


def provisioning_up_to_date(
    *, customer: Customer, service_desk: ServiceDesk | None, rules: list[OrganizationRule]
) -> bool:
    """Nothing to do in Jira: the account is known, added to the desk (if one is given), and in the right orgs."""
    if customer.provisioning != Customer.Provisioning.DONE or not customer.jira_account_id:
        return False
    grants = selectors.jira_grants(tenant=customer.tenant, account_id=customer.jira_account_id)
    matching, removable = _wanted_orgs(customer=customer, rules=rules)
    needed = {(Kind.SERVICE_DESK, service_desk.jira_id)} if service_desk is not None else set()
    needed |= {(Kind.ORGANIZATION, r.organization_id or f"unresolved:{r.pk}") for r in matching}
    return needed <= grants and not {(Kind.ORGANIZATION, o) for o in removable} & grants


def customer_provision_now(
    *,
    customer: Customer,
    service_desk: ServiceDesk | None,
    retry: RetryPolicy | None = None,
    rules: list[OrganizationRule] | None = None,
) -> str:
    """Every step against Jira, each recorded as it succeeds; raises `errors.JiraError`. Returns the account id.

    Without a service desk (native mode: the customer uses JSM's own portal, whose customer permissions
    decide the desks) only the account and the organization rules are seen to.
    """
    tenant = customer.tenant
    client = services.jira_client(connection=services.jira_connection_of(tenant=tenant), retry=retry)
    rules = selectors.organization_rules_active(tenant=tenant) if rules is None else rules
    account_id = _account_id(client, customer, service_account_email=client.email)
    grants = selectors.jira_grants(tenant=tenant, account_id=account_id)
    if service_desk is not None and (Kind.SERVICE_DESK, service_desk.jira_id) not in grants:
        client.service_desk_customers_add(service_desk.jira_id, [account_id])
        _grant(tenant, account_id, Kind.SERVICE_DESK, service_desk.jira_id)
    matching, removable = _wanted_orgs(customer=customer, rules=rules)
    for rule in matching:
        _join_organization(client, rule, account_id, grants)
    for organization_id in removable:
        if (Kind.ORGANIZATION, organization_id) in grants:
            client.organization_users_remove(organization_id, [account_id])
            JiraAccountGrant.objects.filter(
                tenant=tenant, account_id=account_id, kind=Kind.ORGANIZATION, target=organization_id
            ).delete()
    customer.jira_account_id, customer.provisioning, customer.provisioning_error = (
        account_id,
        Customer.Provisioning.DONE,
        "",
    )
    Customer.objects.filter(pk=customer.pk).update(
        jira_account_id=account_id, provisioning=Customer.Provisioning.DONE, provisioning_error=""
    )
    return account_id


def _account_id(client: JiraClient, customer: Customer, *, service_account_email: str) -> str:
    """The Jira account this identity acts as: its binding, or a customer account its verified email finds or
    creates, claimed under the binding rules (`providers.services.jira_account_claim`).

    Only `accountType: customer` accounts are ever bound (GET /rest/api/3/user/search gives the type): never an
    agent's, an admin's, an app's or the service account's, whose requests a customer must not read.
    """
    binding = JiraAccountBinding.objects.filter(customer=customer).first()
    if binding is not None:
        return binding.account_id
    if not customer.email_verified:
        raise EmailNotVouched(
            f"customer {customer.pk}'s provider did not vouch for {customer.email}.", customer=customer
        )
    email = customer.email.strip().lower()
    if email == service_account_email.strip().lower():
        raise JiraAccountNotCustomer(f"{email} is the tenant's service account.", customer=customer)
    user = client.user_find_by_email(email) or _customer_create_once(client, customer=customer, email=email)
    if user.account_type and user.account_type != CUSTOMER_ACCOUNT:
        raise JiraAccountNotCustomer(f"{email} is a Jira account of type {user.account_type!r}.", customer=customer)
    jira_account_claim(customer=customer, account_id=user.account_id)
    return user.account_id


def _customer_create_once(client: JiraClient, *, customer: Customer, email: str) -> JiraUser:
    """POST /rest/servicedeskapi/customer for an email Jira's user search did not list, never twice per outcome.

    POST is not idempotent (RFC 9110 9.2.2): a create that timed out, lost its connection or got a 5xx may
    have made the account, and Jira's user search may list it only a little later. So the create is sent
    without the transport's own retries, a lost outcome is remembered in the cache for CREATE_SETTLE_SECONDS
    (during which a retry searches again and waits instead of posting), and the account is looked up at
    once. "Already exists" (JSM "Create customer": 409 with strictConflictStatusCode) is found by search.
    While the cache is down nothing is remembered: a second create then gets "already exists".
    """
    pending = "gw.jira-create." + hashlib.sha256(f"{customer.tenant_id}:{email}".encode()).hexdigest()[:32]
    if cache.get(pending):
        raise errors.JiraUnavailable("Jira has not yet listed the account it was asked to create; trying again soon.")
    try:
        with _no_transport_retries(client):
            return client.customer_create(email=customer.email, display_name=_display_name(customer))
    except errors.JiraCustomerExists:
        user = client.user_find_by_email(email)
        if user is None:
            raise errors.JiraRequestRejected(
                f"Jira says {customer.email} already has an account, but the service account cannot find it: "
                "give it the “Browse users and groups” global permission."
            ) from None
        return user
    except errors.JiraUnavailable:
        cache.set(pending, True, CREATE_SETTLE_SECONDS)
        user = client.user_find_by_email(email)
        if user is None:
            raise
        return user


@contextmanager
def _no_transport_retries(client: JiraClient):
    """The transport sends a POST again after a 503 (it assumes Jira did not act); a create must not be."""
    policy = client.retry
    client.retry = dataclasses.replace(policy, max_retries=0)
    try:
        yield
    finally:
        client.retry = policy


def _display_name(customer: Customer) -> str:
    full = f"{customer.first_name} {customer.last_name}".strip()
    return customer.display_name or full or customer.email


def _join_organization(client: JiraClient, rule: OrganizationRule, account_id: str, grants: set) -> None:
    organization_id = _organization_id(client, rule)
    if (Kind.ORGANIZATION, organization_id) in grants:
        return
    try:
        client.organization_users_add(organization_id, [account_id])
    except errors.JiraNotFound:  # deleted in Jira since we remembered its id: find or create it again
        OrganizationRule.objects.filter(pk=rule.pk).update(organization_id="")
        rule.organization_id = ""
        organization_id = _organization_id(client, rule)
        client.organization_users_add(organization_id, [account_id])
    _grant(rule.tenant, account_id, Kind.ORGANIZATION, organization_id)
    grants.add((Kind.ORGANIZATION, organization_id))


def _organization_id(client: JiraClient, rule: OrganizationRule) -> str:
    """The rule's JSM organization, found by name or created (GET/POST /rest/servicedeskapi/organization)."""
    if rule.organization_id:
        return rule.organization_id
    wanted = rule.organization_name.strip().lower()
    found = next((o for o in client.organizations() if o.name.strip().lower() == wanted), None)
    if found is None:
        try:
            found = client.organization_create(rule.organization_name.strip())
        except errors.JiraRequestRejected:  # created meanwhile by another sign-in
            found = next((o for o in client.organizations() if o.name.strip().lower() == wanted), None)
            if found is None:
                raise
    OrganizationRule.objects.filter(tenant_id=rule.tenant_id, organization_name=rule.organization_name).update(
        organization_id=found.id
    )
    rule.organization_id = found.id
    return found.id


def _grant(tenant, account_id: str, kind: str, target: str) -> None:
    JiraAccountGrant.objects.get_or_create(tenant=tenant, account_id=account_id, kind=kind, target=target)


def customer_account_find(*, customer: Customer, client: JiraClient) -> str:
    """The Jira account of a customer who has not opened a desk yet, found but never created: My requests
    right after sign-in (a returning customer of the help desk has requests before the gateway ever saw them).

    The same rules as provisioning (`_account_id`): the identity's binding, else the customer account its
    verified email finds, claimed under the binding rules. No account (a new customer): "" and nothing is
    written; the account is made when they open a desk to raise their first request.
    """
    if customer.jira_account_id:
        return customer.jira_account_id
    binding = JiraAccountBinding.objects.filter(customer=customer).first()
    if binding is not None:
        return binding.account_id
    if not customer.email_verified or customer.email.strip().lower() == client.email.strip().lower():
        return ""
    user = client.user_find_by_email(customer.email.strip().lower())
    if user is None:
        return ""
    if user.account_type and user.account_type != CUSTOMER_ACCOUNT:
        detail = f"{customer.email} is a Jira account of type {user.account_type!r}."
        raise JiraAccountNotCustomer(detail, customer=customer)
    jira_account_claim(customer=customer, account_id=user.account_id)
    return user.account_id
