"""Writes to identity providers, their mappings, customers and the sign-in log."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from providers.errors import JiraAccountClaimed
from providers.models import AttributeMapping, Customer, IdentityProvider, JiraAccountBinding, LoginEvent
from sso_gateway import metrics
from sso_gateway.clientip import client_ip
from tenants.models import Tenant

logger = logging.getLogger("gateway.signin")

PROFILE_FIELDS = ("email", "email_verified", "first_name", "last_name", "display_name", "groups")


def customer_sign_in(*, provider: IdentityProvider, identity) -> Customer:
    """Find or create the customer (tenant, provider, sub) and refresh what the provider says about them.

    The same email at another provider or tenant is another customer (PRODUCT.md, non-negotiables).
    Two simultaneous first sign-ins of one person race on the unique constraint; the loser re-reads.
    A returning customer costs one SELECT and one UPDATE, without a transaction or row lock: both
    writers of a race would write what the provider said, and the last one wins.
    """
    values = {name: getattr(identity, name) for name in PROFILE_FIELDS}
    values["last_login_at"] = timezone.now()
    key = {"tenant_id": provider.tenant_id, "provider": provider, "subject": identity.subject}
    customer = Customer.objects.filter(**key).first()
    if customer is None:
        try:
            with transaction.atomic():
                return Customer.objects.create(**key, **values)
        except IntegrityError:
            customer = Customer.objects.get(**key)
    Customer.objects.filter(pk=customer.pk).update(**values)
    for name, value in values.items():
        setattr(customer, name, value)
    customer.provider = provider
    return customer


def login_event_record(
    *,
    request,
    tenant: Tenant,
    provider: IdentityProvider | None,
    customer: Customer | None = None,
    reason: str = "",
    detail: str = "",
    reference: str | None = None,
    is_test: bool = False,
) -> LoginEvent:
    """One row per sign-in attempt that reached the callback; a `reason` makes it a failure.

    Never a token: `detail` is our own wording (see sso_gateway.pages).
    """
    event = LoginEvent(
        tenant=tenant,
        provider=provider,
        customer=customer,
        outcome=LoginEvent.Outcome.FAILURE if reason else LoginEvent.Outcome.SUCCESS,
        reason=reason[:64],
        detail=detail[:1000],
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
        is_test=is_test,
    )
    if reference:
        event.reference = reference
    event.save()
    outcome = "test" if is_test else event.outcome
    logger.info(
        "sign-in %s ref=%s provider=%s reason=%s", outcome, event.reference, provider.slug if provider else "-",
        event.reason or "-", extra={"outcome": outcome, "reference": event.reference},
    )  # fmt: skip
    metrics.SIGNINS.labels(tenant.slug, provider.slug if provider else "-", outcome, event.reason or "-").inc()
    return event


def attribute_mapping_ensure(*, provider: IdentityProvider) -> AttributeMapping:
    """Every provider has a mapping; a new one starts from its preset's defaults."""
    mapping, _ = AttributeMapping.objects.get_or_create(provider=provider, defaults=provider.preset_config.mapping)
    return mapping


def jira_account_claim(*, customer: Customer, account_id: str) -> JiraAccountBinding:
    """Bind `customer` (who has no binding yet) to the customer account `account_id` their email found.

    The first identity to claim an account owns it. Another identity gets it only when its provider is
    authoritative for the email's domain (one of the provider's email domains), or through an admin's
    link (made in the admin, never here); otherwise `JiraAccountClaimed`. Two first claims racing for one
    account meet on the owner's unique constraint and the loser is judged again.
    """
    Binding = JiraAccountBinding
    owned = Binding.objects.filter(tenant_id=customer.tenant_id, account_id=account_id, how=Binding.How.FIRST_CLAIM)
    if not owned.exists():
        try:
            with transaction.atomic():
                return _bind(customer=customer, account_id=account_id, how=Binding.How.FIRST_CLAIM)
        except IntegrityError:
            pass
    if customer.email_domain in customer.provider.email_domain_list:
        return _bind(customer=customer, account_id=account_id, how=Binding.How.AUTHORITATIVE)
    owner = owned.select_related("customer__provider").first()
    raise JiraAccountClaimed(
        f"the Jira account of {customer.email} is bound to customer {owner.customer_id} "
        f"(provider {owner.customer.provider.slug!r}); customer {customer.pk} (provider {customer.provider.slug!r}) "
        "may use it only through an admin's link or a provider authoritative for the domain.",
        customer=customer,
    )


def jira_account_link(*, customer: Customer, owner: Customer, by=None) -> JiraAccountBinding:
    """An admin lets `customer` act as the Jira account `owner` is bound to (the two are one person)."""
    if customer.tenant_id != owner.tenant_id:
        raise ValueError("Only customers of one tenant can be linked.")
    account_id = owner.jira_binding.account_id
    with transaction.atomic():
        JiraAccountBinding.objects.filter(customer=customer).delete()
        binding = _bind(customer=customer, account_id=account_id, how=JiraAccountBinding.How.ADMIN_LINK, by=by)
        # A refused provisioning is tried again at the customer's next visit.
        Customer.objects.filter(pk=customer.pk, provisioning=Customer.Provisioning.FAILED).update(
            provisioning=Customer.Provisioning.PENDING, provisioning_error=""
        )
    return binding


def _bind(*, customer: Customer, account_id: str, how: str, by=None) -> JiraAccountBinding:
    binding = JiraAccountBinding.objects.create(
        tenant_id=customer.tenant_id, customer=customer, account_id=account_id, how=how, created_by=by
    )
    Customer.objects.filter(pk=customer.pk).update(jira_account_id=account_id)
    customer.jira_account_id = account_id
    return binding
