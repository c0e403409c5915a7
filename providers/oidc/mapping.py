"""Claims → customer attributes, through the provider's AttributeMapping (the seed guide's step 3).

Claim names may be dotted (`address.email`) for providers that nest claims. Values are cut to
the customer fields' lengths: a 64 KB `name` claim is a provider's problem, not a 500.
"""

from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from providers.errors import ClaimMissing, EmailNotVerified
from providers.models import AttributeMapping, IdentityProvider

MAX_GROUPS = 200
LIMITS = {"first_name": 150, "last_name": 150, "display_name": 255}


@dataclass(frozen=True)
class MappedIdentity:
    subject: str
    email: str
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    groups: list[str] = field(default_factory=list)
    email_verified: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def claim(claims: dict, name: str):
    value = claims
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value, limit: int) -> str:
    if isinstance(value, list):
        value = " ".join(str(item) for item in value if isinstance(item, (str, int)))
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    return str(value).strip()[:limit]


def _groups(value) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split() if part]
    if not isinstance(value, list):
        return []
    return [str(item)[:255] for item in value if isinstance(item, (str, int))][:MAX_GROUPS]


def _email(claims: dict, claim_name: str) -> str:
    value = claim(claims, claim_name) if claim_name else None
    if not isinstance(value, str) or not value.strip():
        raise ClaimMissing(f"the claim {claim_name!r} (mapped to email) is missing or empty.")
    value = value.strip()
    try:
        if len(value) > 254:
            raise ValidationError("too long")
        EmailValidator()(value)
    except ValidationError as exc:
        raise ClaimMissing(f"the claim {claim_name!r} is not an email address.", reason="email_invalid") from exc
    return value


def email_verified_check(claims: dict, *, provider: IdentityProvider) -> None:
    """OIDC Core 5.1: `email_verified: false` is refused unless the provider is set to allow it.

    An absent claim is accepted: several providers (Entra ID, ADFS) never send it.
    """
    if provider.allow_unverified_email:
        return
    if claims.get("email_verified") in (False, "false", "False"):
        raise EmailNotVerified("the provider says the email address is not verified (email_verified: false).")


def email_vouched_for(claims: dict, *, provider: IdentityProvider, email: str) -> bool:
    """Whether the provider vouches for `email`, so it may create or claim a Jira account.

    `email_verified: true` (OIDC Core 5.1) does; `false` never does (even where the provider is set to
    let such sign-ins in); an absent claim does only for a provider authoritative for the email's domain
    (one of its email domains: the directory that issues those addresses, as Entra ID or ADFS are for
    their own company's), because such providers never send the claim.
    """
    value = claims.get("email_verified")
    if value in (True, "true", "True"):
        return True
    if value is not None:
        return False
    return email.rpartition("@")[2].lower() in provider.email_domain_list


def claims_map(claims: dict, *, provider: IdentityProvider, mapping: AttributeMapping, subject: str) -> MappedIdentity:
    email = _email(claims, mapping.email)
    return MappedIdentity(
        subject=subject,
        email=email,
        email_verified=email_vouched_for(claims, provider=provider, email=email),
        first_name=_text(claim(claims, mapping.first_name), LIMITS["first_name"]) if mapping.first_name else "",
        last_name=_text(claim(claims, mapping.last_name), LIMITS["last_name"]) if mapping.last_name else "",
        display_name=_text(claim(claims, mapping.display_name), LIMITS["display_name"]) if mapping.display_name else "",
        groups=_groups(claim(claims, mapping.groups)) if mapping.groups else [],
    )
