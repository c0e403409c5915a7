"""The demo customers a visitor picks from at the demo identity provider, and their claims.

They are Django users (django-oauth-toolkit ties grants and tokens to AUTH_USER_MODEL) with no usable
password and no staff rights, so they can never reach the admin.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

USERNAME_PREFIX = "demo-customer-"


@dataclass(frozen=True)
class DemoCustomer:
    key: str
    first_name: str
    last_name: str
    email: str
    groups: tuple[str, ...]
    blurb: str

    @property
    def username(self) -> str:
        return USERNAME_PREFIX + self.key

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


DEMO_CUSTOMERS = (
    DemoCustomer("ada", "Ada", "Lovelace", "ada@analytical.example", ("customers", "vip"), "has two open requests"),
    DemoCustomer("grace", "Grace", "Hopper", "grace@cobol.example", ("customers",), "has one request with a reply"),
    DemoCustomer("linus", "Linus", "Pauling", "linus@newcomer.example", (), "has never used the help desk"),
)


def demo_customer_for(user) -> DemoCustomer | None:
    username = getattr(user, "username", "")
    return next((c for c in DEMO_CUSTOMERS if c.username == username), None)


def demo_customers_ensure() -> list:
    """Create (or refresh) the demo customers' users; returns them in DEMO_CUSTOMERS order."""
    users = []
    for customer in DEMO_CUSTOMERS:
        user, _ = get_user_model().objects.get_or_create(username=customer.username)
        user.first_name, user.last_name, user.email = customer.first_name, customer.last_name, customer.email
        user.is_staff = user.is_superuser = False
        user.is_active = True
        user.set_unusable_password()
        user.save()
        users.append(user)
    return users
