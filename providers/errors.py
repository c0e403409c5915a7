"""Why a sign-in can fail, whatever the protocol, as types.

Each error carries a short `reason` code (stored on the LoginEvent, searchable in the admin), the
HTTP status of the page the customer sees, and what the customer can do about it. They are raised
where the problem is found (the provider's configuration, the transaction cookie, the provider's
answer) and become a page in one place: `sso_gateway.pages.renders_page_errors`. The checks of one
protocol have their own module (`providers/oidc/errors.py`).
"""

from django.utils.translation import gettext_lazy as _

from sso_gateway.pages import PageError


class SignInError(PageError):
    """Why a sign-in failed; its `reason` is stored on the LoginEvent and searchable in the admin."""

    kind = "sign-in"
    status = 400
    reason = "sign_in_failed"
    title = _("We could not sign you in")
    advice = _("Go back to the link you followed and try again. If it keeps happening, contact the help desk.")


class ProviderUnavailable(SignInError):
    status = 404
    reason = "provider_disabled"
    title = _("This sign-in option is not available")
    advice = _("Go back to the help center's home page and choose another way to sign in.")


class NoProviderConfigured(SignInError):
    status = 404
    reason = "no_provider"
    title = _("Sign-in is not set up yet")
    advice = _("This help center has no sign-in option switched on. Please contact the help desk by another channel.")


class TooManyAttempts(SignInError):
    status = 429
    reason = "rate_limited"
    title = _("Too many sign-in attempts")
    advice = _("Please wait a minute and try again.")


class TransactionInvalid(SignInError):
    status = 400
    reason = "bad_state"
    title = _("Your sign-in expired or was interrupted")
    advice = _("Sign-ins must finish within 10 minutes in the same browser. Go back to the link and try again.")


class ProviderDenied(SignInError):
    """The provider sent the customer back with `error=...` (RFC 6749 4.1.2.1)."""

    status = 403
    reason = "idp_error"
    title = _("Your identity provider did not sign you in")
    advice = _("Try again. If your account is not allowed to use this help center, contact your administrator.")


class ProviderUnreachable(SignInError):
    status = 503
    reason = "idp_unreachable"
    title = _("Your identity provider is not answering")
    advice = _("This is usually temporary. Wait a minute and try again.")


class ProviderMisbehaved(SignInError):
    """The provider answered, but not as OpenID Connect says it must (discovery, token or userinfo response)."""

    status = 503
    reason = "idp_bad_response"
    title = _("Your identity provider sent an answer we cannot use")
    advice = _("Try again later. If it keeps happening, tell the help desk the reference below.")


class ClaimMissing(SignInError):
    status = 403
    reason = "email_missing"
    title = _("Your identity provider did not share your email address")
    advice = _("This help center needs your email address. Ask your administrator to release it to this application.")


class EmailNotVerified(SignInError):
    status = 403
    reason = "email_unverified"
    title = _("Your email address is not verified")
    advice = _(
        "Verify your email address with your identity provider (look for its confirmation email), then sign in again."
    )


class TestNotAllowed(SignInError):
    status = 403
    reason = "test_forbidden"
    title = _("You may not test this identity provider")
    advice = _("Sign in to the admin as an administrator of this tenant and start the test from the provider's page.")


# --- The Jira account an identity may act as (providers.models.JiraAccountBinding).
class JiraAccountRefused(SignInError):
    """The sign-in worked, but the Jira account this identity's email finds is not one it may use.

    Email only finds an account; it never links identities (PRODUCT.md, non-negotiables). Raised while
    provisioning, so it carries the customer for the sign-in log.
    """

    status = 403
    reason = "jira_account_refused"
    title = _("We could not connect you to this help desk")
    advice = _("Please contact the help desk team and quote the reference below.")

    def __init__(self, detail: str = "", *, customer=None, reason: str | None = None):
        super().__init__(detail, reason=reason)
        self.customer = customer


class JiraAccountClaimed(JiraAccountRefused):
    """Another identity (another provider, or another subject) already owns the account of this email."""

    reason = "jira_account_claimed"
    advice = _(
        "This help desk already knows your email address from another way of signing in. Sign in the way you "
        "did before, or ask the help desk team to link the two (quote the reference below)."
    )


class JiraAccountNotCustomer(JiraAccountRefused):
    """The email belongs to an agent, admin, app or the service account: never a customer's to act as."""

    reason = "jira_account_not_customer"
    advice = _("This email address cannot be used as a customer here. Please contact the help desk team.")


class EmailNotVouched(JiraAccountRefused):
    """The provider did not vouch for the email, so it may neither create nor claim a Jira account."""

    reason = "email_unverified_for_jira"
    title = _("Your email address could not be confirmed")
    advice = _(
        "Your identity provider did not confirm that this email address is yours. Verify it there (look for its "
        "confirmation email), then sign in again."
    )
