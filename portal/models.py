"""Customers (who signed in where) and the record of every sign-in attempt.

A customer is (tenant, identity provider, subject): the same email at two providers or two
tenants is two customers. Email never links identities.
"""

import secrets

from django.db import models

from providers.models import IdentityProvider
from tenants.models import Tenant


def new_reference() -> str:
    """A short id a customer can read out and an admin can search for."""
    return secrets.token_hex(4).upper()


class Customer(models.Model):
    class Provisioning(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        RETRYING = "retrying", "Retrying (Jira unavailable)"
        FAILED = "failed", "Failed (gave up)"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="customers")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="customers")
    subject = models.CharField("subject (sub)", max_length=255)
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    groups = models.JSONField(default=list, blank=True)
    jira_account_id = models.CharField("Jira account id", max_length=128, blank=True)
    provisioning = models.CharField(max_length=16, choices=Provisioning.choices, default=Provisioning.PENDING)
    provisioning_error = models.TextField(blank=True)
    # While RETRYING: the desk the customer came for, and when its retry reached the task queue (empty: the
    # queue was unreachable; `portal.tasks.customer_provision_resume` queues it again).
    provisioning_desk = models.ForeignKey(
        "tenants.ServiceDesk", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provisioning_queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_login_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "provider", "subject"], name="uniq_customer_identity"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email or self.subject


class LoginEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Failure"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="login_events")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.SET_NULL, null=True, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=64, blank=True, help_text="A short code, e.g. iss_mismatch.")
    detail = models.TextField(blank=True)
    reference = models.CharField(max_length=16, default=new_reference, db_index=True)
    is_test = models.BooleanField("test connection", default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.reference}"
