"""Both ends of the authorization code flow (OpenID Connect Core 3.1.2 and 3.1.3), minus HTTP plumbing.

`sign_in_start` builds the authorization request (PKCE S256 per RFC 7636, `state`, `nonce`) and
the transaction cookie; it reads the provider's cached discovery document and writes nothing.
At the callback, `transaction_for` finds this browser's transaction, `callback_code` checks the
provider's answer against it (RFC 6749 4.1.2, RFC 9207 `iss` in `check_iss_parameter`), and the view
runs the backend.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpResponseRedirect
from mozilla_django_oidc.utils import generate_code_challenge

from providers.errors import ProviderDenied, ProviderUnavailable, TestNotAllowed, TransactionInvalid
from providers.models import IdentityProvider
from providers.oidc import discovery, transaction
from providers.oidc.errors import AUTHORIZATION_ERRORS, IdTokenInvalid, known_error
from providers.oidc.transaction import Transaction
from tenants.links import absolute


def authorize_url(
    *, provider: IdentityProvider, metadata: discovery.Metadata, tx: Transaction, reauth: bool = False
) -> str:
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": absolute(provider.callback_path()),
        "scope": " ".join(provider.scope_list),
        "state": tx.state,
        "nonce": tx.nonce,
        "code_challenge": generate_code_challenge(tx.code_verifier, "S256"),
        "code_challenge_method": "S256",
    }
    if reauth:  # OpenID Connect Core §3.1.2.1: authenticate again, whatever session the provider holds
        params.update(prompt="login", max_age="0")
    endpoint = metadata.authorization_endpoint
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def sign_in_start(
    *, request, provider: IdentityProvider, next_path: str, test: bool = False, reauth: bool = False
) -> HttpResponseRedirect:
    metadata = discovery.metadata_get(provider=provider)
    tx = Transaction(tenant_id=provider.tenant_id, provider_id=provider.pk, next_path=next_path, test=test)
    response = HttpResponseRedirect(authorize_url(provider=provider, metadata=metadata, tx=tx, reauth=reauth))
    response["Cache-Control"] = "no-store"
    transaction.store(response, transaction=tx, tenant_slug=provider.tenant.slug, request=request)
    return response


def may_test(request, provider: IdentityProvider) -> bool:
    """Test connection is for staff who may change this provider, by the admin's own tenant rules."""
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    model_admin = admin.site._registry.get(IdentityProvider)
    return model_admin is not None and model_admin.has_change_permission(request, provider)


def transaction_for(request, *, provider: IdentityProvider) -> Transaction:
    tx = transaction.load(request, state=request.GET.get("state", ""))
    if tx.tenant_id != provider.tenant_id or tx.provider_id != provider.pk:
        raise TransactionInvalid("the pending sign-in was for another provider.", reason="state_mismatch")
    return tx


def callback_code(request, *, provider: IdentityProvider, tx: Transaction) -> str:
    """The authorization code, once the callback is known to be acceptable (RFC 6749 4.1.2; 4.1.2.1 for errors)."""
    if tx.test and not may_test(request, provider):
        raise TestNotAllowed("test connection results are shown only to staff who may change this provider.")
    if not tx.test and not provider.is_enabled:
        raise ProviderUnavailable("the identity provider was disabled during the sign-in.")
    error = request.GET.get("error")
    if error:
        code = known_error(error, AUTHORIZATION_ERRORS)
        raise ProviderDenied(f"the provider answered error={code}.", reason=f"idp_{code}")
    code = request.GET.get("code", "")
    if not code or len(code) > 4096:
        raise ProviderDenied("the provider sent back neither a usable code nor an error.", reason="code_missing")
    return code


def check_iss_parameter(request, *, metadata: discovery.Metadata) -> None:
    """RFC 9207: a provider that names itself in the response must be the one we sent the customer to."""
    iss = request.GET.get("iss")
    if iss is not None and iss != metadata.issuer:
        detail = "the response's iss parameter names another issuer (RFC 9207)."
        raise IdTokenInvalid(detail, reason="iss_param_mismatch")
