"""Why the gateway will not answer an AuthnRequest with a Success assertion, as page errors.

Before the request's Issuer and ACS URL are known to be the tenant's Atlassian service provider, nothing is
ever posted anywhere: every problem is a 4xx page (never a 500) with a reference. After that, a protocol
answer without an assertion (NoPassive) goes back to the ACS (native/views.py); what the customer must act
on (an unverified email, an identity refused the Jira account) is a page, and the sign-in log says why.
"""

from django.utils.translation import gettext_lazy as _

from sso_gateway.pages import PageError


class NativeError(PageError):
    kind = "saml-idp"
    status = 400
    reason = "saml_idp_error"
    title = _("We could not sign you in to the help center")
    advice = _("Go back to the help center's sign-in page and try again. If it keeps happening, contact the help desk.")


class NativeUnavailable(NativeError):
    """The tenant is not in native mode, or its Atlassian values or signing key are missing."""

    status = 404
    reason = "native_off"
    title = _("Single sign-on to the help center is not set up")
    advice = _("This help center does not sign customers in to Atlassian through this gateway. Contact the help desk.")


class RequestInvalid(NativeError):
    """The AuthnRequest is malformed, oversized, carries a DTD, or is not one the tenant's SP may send."""

    reason = "authn_request_invalid"
    title = _("The sign-in request is not valid")
    advice = _("Go back to the help center and sign in again from its sign-in button.")


class UnknownServiceProvider(RequestInvalid):
    """The Issuer is not the tenant's configured Atlassian SP (an unknown SP, or another tenant's)."""

    status = 403
    reason = "sp_unknown"


class ForeignAcs(RequestInvalid):
    """The request names an AssertionConsumerServiceURL other than the configured one: never posted there."""

    status = 403
    reason = "acs_mismatch"


class PendingInvalid(NativeError):
    reason = "saml_pending_invalid"
    title = _("Your sign-in expired or was interrupted")
    advice = _(
        "Sign-ins must finish within 10 minutes in the same browser. Go back to the help center and sign in again."
    )


class NotSignedIn(PendingInvalid):
    reason = "saml_not_signed_in"
    title = _("You are not signed in")
    advice = _("The sign-in did not finish. Go back to the help center and sign in again.")


class EmailUnverified(NativeError):
    status = 403
    reason = "email_unverified_native"
    title = _("Your email address is not verified")
    advice = _(
        "The help center signs you in by your email address, and your identity provider did not confirm it is "
        "yours. Verify it there (look for its confirmation email), then sign in again."
    )


class SigningKeyUnreadable(NativeError):
    """The tenant's private key cannot be decrypted (GATEWAY_ENCRYPTION_KEYS changed): an operator's problem."""

    status = 503
    reason = "signing_key_unreadable"
    title = _("Sign-in to the help center is not available right now")
    advice = _("Please try again later. If it keeps happening, tell the help desk the reference below.")
