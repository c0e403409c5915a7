"""Why an OpenID Connect sign-in can fail at the token endpoint or in the ID token's checks."""

from providers.errors import SignInError


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
