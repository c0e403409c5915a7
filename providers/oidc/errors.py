"""Why an OpenID Connect sign-in can fail at the token endpoint or in the ID token's checks.

A provider's `error` codes become reason codes (the sign-in log, metric labels) only from the specs' fixed
lists; anything else is "other", so nobody can mint labels or reasons by sending made-up codes.
"""

from django.utils.translation import gettext_lazy as _

from providers.errors import SignInError

#: RFC 6749 4.1.2.1 (authorization response) and OpenID Connect Core 3.1.2.6.
AUTHORIZATION_ERRORS = frozenset(
    {
        "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type", "invalid_scope",
        "server_error", "temporarily_unavailable", "interaction_required", "login_required",
        "account_selection_required", "consent_required", "invalid_request_uri", "invalid_request_object",
        "request_not_supported", "request_uri_not_supported", "registration_not_supported",
    }
)  # fmt: skip
#: RFC 6749 5.2 (token endpoint).
TOKEN_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)


def known_error(code, known: frozenset) -> str:
    """`code` if the spec lists it, else "other"."""
    return code if isinstance(code, str) and code in known else "other"


class TokenExchangeFailed(SignInError):
    status = 400
    reason = "token_exchange_failed"
    title = _("Your sign-in could not be completed")
    advice = _("The sign-in code was refused or had already been used. Go back to the link and sign in again.")


class IdTokenInvalid(SignInError):
    """One of the checks of OpenID Connect Core 3.1.3.7 failed; `reason` names which one."""

    status = 403
    reason = "id_token_invalid"
    title = _("Your sign-in could not be verified")
    advice = _(
        "We could not verify the answer from your identity provider. Try again; if it keeps happening, "
        "tell the help desk the reference below."
    )


class UserinfoInvalid(IdTokenInvalid):
    """OpenID Connect Core 5.3.2: the UserInfo response does not belong to the ID token's subject."""

    reason = "userinfo_invalid"
