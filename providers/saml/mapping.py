"""A verified assertion → the customer's attributes, through the provider's AttributeMapping.

The identity is (tenant, provider, NameID). The email is the NameID itself when its format is
emailAddress, else the mapped email attribute. A transient NameID (a new value per sign-in) would make a
new customer at every sign-in, so it is refused with a reason that says which setting to change.
SAML has no `email_verified`: an email is vouched for only by a provider authoritative for its domain
(the provider's email domains), as for OpenID Connect providers that never send the claim.
Attribute names are SAML attribute Name URIs, matched exactly (they contain dots: no claim paths here).
"""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from providers.errors import ClaimMissing
from providers.models import AttributeMapping, IdentityProvider
from providers.oidc.mapping import LIMITS, MAX_GROUPS, MappedIdentity, email_vouched_for
from providers.saml.errors import SamlResponseInvalid
from providers.saml.response import SamlAssertion
from sso_gateway import saml


def _first(attributes: dict[str, list[str]], name: str, limit: int) -> str:
    values = attributes.get(name) or [] if name else []
    return next((value for value in values if value), "")[:limit]


def _email(assertion: SamlAssertion, mapping: AttributeMapping) -> str:
    if assertion.name_id_format == saml.NAMEID_EMAIL:
        value, source = assertion.name_id, "the NameID (format emailAddress)"
    else:
        value, source = _first(assertion.attributes, mapping.email, 1000), f"the attribute {mapping.email!r}"
        if not mapping.email or not value:
            raise ClaimMissing(f"{source if mapping.email else 'no attribute'} (mapped to email) is missing or empty, "
                               "and the NameID's format is not emailAddress.")  # fmt: skip
    try:
        if len(value) > 254:
            raise ValidationError("too long")
        EmailValidator()(value)
    except ValidationError as exc:
        raise ClaimMissing(f"{source} is not an email address.", reason="email_invalid") from exc
    return value


def assertion_map(assertion: SamlAssertion, *, provider: IdentityProvider, mapping: AttributeMapping) -> MappedIdentity:
    if assertion.name_id_format == saml.NAMEID_TRANSIENT:
        raise SamlResponseInvalid(
            "the NameID is transient (a new value at every sign-in), so it cannot identify a customer: set the "
            "provider to send a persistent or email-address NameID.",
            reason="saml_nameid_transient",
        )
    email = _email(assertion, mapping)
    attributes = assertion.attributes
    groups = [value[:255] for value in (attributes.get(mapping.groups) or [] if mapping.groups else []) if value]
    return MappedIdentity(
        subject=assertion.name_id,
        email=email,
        email_verified=email_vouched_for({}, provider=provider, email=email),
        first_name=_first(attributes, mapping.first_name, LIMITS["first_name"]),
        last_name=_first(attributes, mapping.last_name, LIMITS["last_name"]),
        display_name=_first(attributes, mapping.display_name, LIMITS["display_name"]),
        groups=groups[:MAX_GROUPS],
    )
