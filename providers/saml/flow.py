"""Both ends of SP-initiated SAML Web Browser SSO (Profiles §4.1), minus HTTP plumbing.

`sign_in_start` sends the AuthnRequest (HTTP-Redirect binding) and sets this browser's transaction cookie;
it reads the provider's stored metadata and writes nothing. At the ACS, `transaction_for` finds this
browser's pending request from the response's InResponseTo (or the RelayState we sent), and
`assertion_verify` runs every check of `providers.saml.response` and the replay cache.
"""

from datetime import timedelta

from django.http import HttpResponseRedirect
from django.utils import timezone

from providers.errors import ProviderMisbehaved, ProviderUnavailable, TestNotAllowed, TransactionInvalid
from providers.models import IdentityProvider
from providers.oidc.flow import may_test
from providers.saml import replay, response, sp, transaction
from providers.saml.errors import SamlResponseInvalid
from providers.saml.transaction import SamlTransaction
from sso_gateway import saml


def metadata_of(provider: IdentityProvider) -> saml.IdpMetadata:
    try:
        return provider.saml_metadata()
    except saml.SamlInputError as exc:
        raise ProviderMisbehaved(f"the provider's SAML metadata cannot be used: {exc}",
                                 reason="saml_metadata_invalid") from exc  # fmt: skip


def sign_in_start(
    *, request, provider: IdentityProvider, next_path: str, test: bool = False, reauth: bool = False
) -> HttpResponseRedirect:
    metadata_of(provider)
    tx = SamlTransaction.new(tenant_id=provider.tenant_id, provider_id=provider.pk, next_path=next_path, test=test)
    url = sp.redirect_url(provider=provider, request_id=tx.request_id, force_authn=reauth)
    redirect = HttpResponseRedirect(url)
    redirect["Cache-Control"] = "no-store"
    transaction.store(redirect, transaction=tx, tenant_slug=provider.tenant.slug, request=request)
    return redirect


RESUBMITTED = "gw_resubmitted"


def request_id_of(request, root) -> str:
    """The request the response says it answers (InResponseTo, else our RelayState): a lookup key, not yet trusted."""
    relay_state = request.POST.get("RelayState", "")[:100]
    return response.in_response_to(root) or (relay_state if transaction.is_request_id(relay_state) else "")


def needs_same_site_resubmit(request, *, root) -> bool:
    """Whether the POST names a request of ours whose cookie the browser did not send (a cross-site POST with a
    SameSite=Lax cookie: plain http, or a browser that keeps SameSite=None from cross-site POSTs)."""
    request_id = request_id_of(request, root)
    if not transaction.is_request_id(request_id) or request.POST.get(RESUBMITTED):
        return False
    return transaction.PREFIX + request_id not in request.COOKIES


def transaction_for(request, *, provider: IdentityProvider, root) -> SamlTransaction | None:
    """This browser's pending request the response answers; None for an unsolicited response the provider
    is allowed to send. Anything else raises before a row is written (it is no attempt of this browser)."""
    request_id = request_id_of(request, root)
    if not request_id:
        if provider.allow_idp_initiated:
            return None
        detail = "the response answers no request (unsolicited, IdP-initiated); this provider accepts only "
        raise SamlResponseInvalid(detail + "sign-ins started at the gateway.", reason="saml_unsolicited")
    tx = transaction.load(request, request_id=request_id)
    if tx.tenant_id != provider.tenant_id or tx.provider_id != provider.pk:
        raise TransactionInvalid("the pending sign-in was for another provider.", reason="state_mismatch")
    return tx


def acs_allowed(request, *, provider: IdentityProvider, tx: SamlTransaction | None) -> None:
    if tx is not None and tx.test and not may_test(request, provider):
        raise TestNotAllowed("test connection results are shown only to staff who may change this provider.")
    if (tx is None or not tx.test) and not provider.is_enabled:
        raise ProviderUnavailable("the identity provider was disabled during the sign-in.")


def assertion_verify(*, provider: IdentityProvider, root, tx: SamlTransaction | None) -> response.SamlAssertion:
    metadata = metadata_of(provider)
    now = timezone.now()
    expected = response.Expected(
        acs_url=sp.acs_url(provider),
        sp_entity_id=sp.sp_entity_id(provider),
        idp_entity_id=metadata.entity_id,
        certificates=metadata.signing_certificates,
        request_id=tx.request_id if tx is not None else None,
        leeway=timedelta(seconds=provider.clock_leeway),
        now=now,
        decryption_key=str(provider.sp_encryption_key) if provider.want_encrypted_assertions else None,
    )
    assertion = response.validate(root, expected)
    replay.accept_once(provider_id=provider.pk, assertion_id=assertion.assertion_id,
                       until=assertion.not_on_or_after + expected.leeway, now=now)  # fmt: skip
    return assertion
