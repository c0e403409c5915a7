"""factory_boy factories for the models tests build on."""

import factory
from django.contrib.auth import get_user_model

from providers.models import AttributeMapping, Customer, IdentityProvider, LoginEvent
from tenants.models import JiraConnection, ServiceDesk, SyncRun, Tenant, TenantMembership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-for-tests-only")


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Support")


class TenantMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenantMembership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)
    role = TenantMembership.Role.ADMIN


class JiraConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JiraConnection

    tenant = factory.SubFactory(TenantFactory)
    site_url = factory.LazyAttribute(lambda o: f"https://{o.tenant.slug}.atlassian.net")
    email = "svc@example.com"
    api_token = factory.Sequence(lambda n: f"test-api-token-{n}")


class ServiceDeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceDesk

    tenant = factory.SubFactory(TenantFactory)
    jira_id = factory.Sequence(lambda n: str(n + 1))
    project_id = factory.Sequence(lambda n: str(10000 + n))
    project_key = factory.Sequence(lambda n: f"SD{n}")
    project_name = factory.Sequence(lambda n: f"Service desk {n}")


class SyncRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncRun

    tenant = factory.SubFactory(TenantFactory)


class IdentityProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityProvider

    tenant = factory.SubFactory(TenantFactory)
    slug = factory.Sequence(lambda n: f"idp{n}")
    name = factory.Sequence(lambda n: f"Provider {n}")
    preset = "oidc"
    discovery_url = "https://idp.example/.well-known/openid-configuration"
    client_id = "gateway"
    client_secret = factory.Sequence(lambda n: f"test-client-secret-{n}")


class AttributeMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeMapping

    provider = factory.SubFactory(IdentityProviderFactory)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    provider = factory.SubFactory(IdentityProviderFactory)
    tenant = factory.SelfAttribute("provider.tenant")
    subject = factory.Sequence(lambda n: f"subject-{n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    email_verified = True


class LoginEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoginEvent

    tenant = factory.SubFactory(TenantFactory)
    outcome = LoginEvent.Outcome.SUCCESS


def provider_at(fake, *, tenant, **fields) -> IdentityProvider:
    """A generic-OIDC provider of `tenant` registered at a test provider (the oidc fake, a hostile one, panva)."""
    fields = {"slug": "sso", "name": "SSO", **fields}
    return IdentityProviderFactory(
        tenant=tenant, preset="oidc", discovery_url=fake.discovery_url, client_id=fake.client_id,
        client_secret=fake.client_secret, **fields,
    )  # fmt: skip
