"""Why a SAML sign-in can fail at the Assertion Consumer Service, as types with reason codes.

Reasons are ours, from a fixed vocabulary (`saml_signature_invalid`, `saml_audience_mismatch`, ...): never
copied from the provider's message, so nobody can mint log reasons or metric labels.
"""

from django.utils.translation import gettext_lazy as _

from providers.errors import SignInError


class SamlResponseInvalid(SignInError):
    """One of the checks of SAML Core §3.2.2 / Profiles §4.1.4.3 failed; `reason` names which one."""

    status = 403
    reason = "saml_invalid"
    title = _("Your sign-in could not be verified")
    advice = _(
        "We could not verify the answer from your identity provider. Try again; if it keeps happening, "
        "tell the help desk the reference below."
    )


class SamlMessageRefused(SamlResponseInvalid):
    """The POST is not a SAML response we are willing to read at all (not base64, too large, a DTD)."""

    status = 400
    reason = "saml_malformed"


class SamlProviderDenied(SamlResponseInvalid):
    """The provider answered with a status other than Success (Core §3.2.2.2)."""

    reason = "saml_status"
    title = _("Your identity provider did not sign you in")
    advice = _("Try again. If your account is not allowed to use this help center, contact your administrator.")


#: Second-level status codes of Core §3.2.2.2 that name what went wrong; anything else is "other".
STATUS_CODES = frozenset(
    {
        "AuthnFailed", "InvalidAttrNameOrValue", "InvalidNameIDPolicy", "NoAuthnContext", "NoAvailableIDP",
        "NoPassive", "NoSupportedIDP", "PartialLogout", "ProxyCountExceeded", "RequestDenied", "RequestUnsupported",
        "RequestVersionDeprecated", "RequestVersionTooHigh", "RequestVersionTooLow", "ResourceNotRecognized",
        "TooManyResponses", "UnknownAttrProfile", "UnknownPrincipal", "UnsupportedBinding", "Requester", "Responder",
        "VersionMismatch",
    }
)  # fmt: skip


def status_reason(code: str) -> str:
    name = code.rpartition(":")[2]
    return f"saml_status_{name if name in STATUS_CODES else 'other'}"
