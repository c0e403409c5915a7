"""Why a sign-in can fail, as types.

Each error carries a short `reason` code (stored on the LoginEvent, searchable in the admin),
the HTTP status of the page the customer sees, and what the customer can do about it. They
are raised where the problem is found (discovery, token checks, the transaction cookie) and
turned into one page in one place: `providers.oidc.pages.renders_sign_in_errors`.

`detail` is for the admin (LoginEvent.detail and the test-connection page). It is written by
our own code, never copied from a token or a provider's response body, so it cannot leak one.
"""


class SignInError(Exception):
    status = 400
    reason = "sign_in_failed"
    title = "We could not sign you in"
    advice = "Go back to the link you followed and try again. If it keeps happening, contact the help desk."

    def __init__(self, detail: str = "", *, reason: str | None = None):
        super().__init__(detail or self.title)
        self.detail = detail[:500]
        if reason:
            self.reason = reason[:64]


# --- Not available: the link points somewhere that is switched off or does not exist.
class TenantUnavailable(SignInError):
    status = 404
    reason = "tenant_unavailable"
    title = "This help center is not available"
    advice = "The link may be out of date. Ask the company that sent it for a current link."


class ProviderUnavailable(SignInError):
    status = 404
    reason = "provider_disabled"
    title = "This sign-in option is not available"
    advice = "Go back to the help center's home page and choose another way to sign in."


class NoProviderConfigured(SignInError):
    status = 404
    reason = "no_provider"
    title = "Sign-in is not set up yet"
    advice = "This help center has no sign-in option switched on. Please contact the help desk by another channel."


class DeskUnavailable(SignInError):
    status = 410
    reason = "desk_unavailable"
    title = "This service desk is no longer available"
    advice = "The link may be out of date. Open the help center's home page to see what is available."


class DeskUnknown(DeskUnavailable):
    status = 404
    reason = "desk_unknown"


class TooManyAttempts(SignInError):
    status = 429
    reason = "rate_limited"
    title = "Too many sign-in attempts"
    advice = "Please wait a minute and try again."


# --- The browser's side of the flow.
class TransactionInvalid(SignInError):
    status = 400
    reason = "bad_state"
    title = "Your sign-in expired or was interrupted"
    advice = "Sign-ins must finish within 10 minutes in the same browser. Go back to the link and try again."


# --- The identity provider's side.
class ProviderDenied(SignInError):
    """The provider sent the customer back with `error=...` (RFC 6749 4.1.2.1)."""

    status = 403
    reason = "idp_error"
    title = "Your identity provider did not sign you in"
    advice = "Try again. If your account is not allowed to use this help center, contact your administrator."


class ProviderUnreachable(SignInError):
    status = 503
    reason = "idp_unreachable"
    title = "Your identity provider is not answering"
    advice = "This is usually temporary. Wait a minute and try again."


class ProviderMisbehaved(SignInError):
    """The provider answered, but not as OpenID Connect says it must (discovery, token or userinfo response)."""

    status = 503
    reason = "idp_bad_response"
    title = "Your identity provider sent an answer we cannot use"
    advice = "Try again later. If it keeps happening, tell the help desk the reference below."


class TokenExchangeFailed(SignInError):
    status = 400
    reason = "token_exchange_failed"
    title = "Your sign-in could not be completed"
    advice = "The sign-in code was refused or had already been used. Go back to the link and sign in again."


class IdTokenInvalid(SignInError):
    """One of the checks of OpenID Connect Core 3.1.3.7 failed; `reason` names which one."""

    status = 403
    reason = "id_token_invalid"
    title = "Your sign-in could not be verified"
    advice = "We could not verify the answer from your identity provider. Try again; if it keeps happening, "
    advice += "tell the help desk the reference below."


class UserinfoInvalid(IdTokenInvalid):
    """OpenID Connect Core 5.3.2: the UserInfo response does not belong to the ID token's subject."""

    reason = "userinfo_invalid"


class ClaimMissing(SignInError):
    status = 403
    reason = "email_missing"
    title = "Your identity provider did not share your email address"
    advice = "This help center needs your email address. Ask your administrator to release it to this application."


class EmailNotVerified(SignInError):
    status = 403
    reason = "email_unverified"
    title = "Your email address is not verified"
    advice = (
        "Verify your email address with your identity provider (look for its confirmation email), then sign in again."
    )


class TestNotAllowed(SignInError):
    status = 403
    reason = "test_forbidden"
    title = "You may not test this identity provider"
    advice = "Sign in to the admin as an administrator of this tenant and start the test from the provider's page."
