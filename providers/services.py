"""Writes to identity providers, their mappings, customers and the sign-in log."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from providers.models import AttributeMapping, Customer, IdentityProvider, LoginEvent
from sso_gateway import metrics
from sso_gateway.clientip import client_ip
from tenants.models import Tenant

logger = logging.getLogger("gateway.signin")

PROFILE_FIELDS = ("email", "first_name", "last_name", "display_name", "groups")


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
