"""Reading Atlassian's AuthnRequest (SAML Core §3.4.1) strictly, before anything is asserted.

The request is untrusted input from anyone's browser: it is decoded and parsed by the floor
(`sso_gateway.saml`: size caps before and after inflating, no DTD, no entities), and then must be the
tenant's own Atlassian service provider asking. Its Issuer must equal the configured SP entity URL (an
unknown SP, or another tenant's, is refused), and an AssertionConsumerServiceURL, when present, must equal
the configured ACS URL: the assertion is only ever posted to the configured ACS (Profiles §4.1.4.1), so a
request that names another one is refused rather than answered elsewhere.

AuthnRequests are not signed by Atlassian, and none is required (metadata says WantAuthnRequestsSigned
false): an unsigned request can only make the gateway post an assertion for the browser's own customer to
the ACS the admin configured, which is what Atlassian's own "Sign in" does.
"""

import datetime as dt
import re
from dataclasses import dataclass

from native.errors import ForeignAcs, RequestInvalid, UnknownServiceProvider
from sso_gateway import saml
from sso_gateway.saml import SamlInputError, q, text_of
from tenants.models import AtlassianSaml

MAX_RELAY_STATE = 1024  # Bindings §3.4.3 says 80 bytes; SPs send more. Anything larger is refused, not cut.
CLOCK_LEEWAY = dt.timedelta(minutes=3)
MAX_AGE = dt.timedelta(minutes=10)
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,255}$")
NAMEID_FORMATS_WE_SERVE = (saml.NAMEID_EMAIL, saml.NAMEID_UNSPECIFIED)


@dataclass(frozen=True)
class AuthnRequest:
    id: str
    issuer: str
    acs_url: str  # always the configured one
    force_authn: bool
    is_passive: bool
    relay_state: str | None  # None: the SP sent none, so none goes back (Bindings §3.4.3, §3.5.3)
    name_id_policy_ok: bool = True


def authn_request_read(
    *, config: AtlassianSaml, binding: str, message: str, relay_state: str | None, sso_url: str, now: dt.datetime
) -> AuthnRequest:
    """The AuthnRequest in `message` (the SAMLRequest parameter of `binding`), or a RequestInvalid page error."""
    if not message:
        raise RequestInvalid("the request carries no SAMLRequest.", reason="authn_request_missing")
    if relay_state is not None and len(relay_state) > MAX_RELAY_STATE:
        raise RequestInvalid(f"the RelayState is longer than {MAX_RELAY_STATE} characters.", reason="relay_state")
    try:
        xml = saml.decode_redirect(message) if binding == saml.BINDING_REDIRECT else saml.decode_post(message)
        root = saml.parse(xml)
        request = _read(root, config=config, sso_url=sso_url, now=now, relay_state=relay_state)
    except SamlInputError as exc:
        raise RequestInvalid(str(exc), reason="authn_request_malformed") from exc
    return request


def _read(root, *, config: AtlassianSaml, sso_url: str, now: dt.datetime, relay_state: str | None) -> AuthnRequest:
    if root.tag != q("samlp", "AuthnRequest"):
        raise RequestInvalid("the message is not an AuthnRequest.", reason="authn_request_malformed")
    if root.get("Version") != "2.0":
        raise RequestInvalid("the AuthnRequest is not SAML 2.0.", reason="authn_request_version")
    request_id = root.get("ID") or ""
    if not _NCNAME.match(request_id):
        raise RequestInvalid("the AuthnRequest has no usable ID.", reason="authn_request_id")
    _check_instant(root.get("IssueInstant") or "", now=now)
    issuer = text_of(root.find(q("saml", "Issuer")))
    if issuer != config.sp_entity_id:
        raise UnknownServiceProvider(f"the AuthnRequest's Issuer {issuer[:200]!r} is not this tenant's Atlassian SP.")
    destination = root.get("Destination")
    if destination is not None and destination != sso_url:
        raise RequestInvalid("the AuthnRequest's Destination is not this SSO URL.", reason="destination_mismatch")
    _check_acs(root, config=config)
    policy = root.find(q("samlp", "NameIDPolicy"))
    wanted_format = policy.get("Format") if policy is not None else None
    return AuthnRequest(
        id=request_id,
        issuer=issuer,
        acs_url=config.acs_url,
        force_authn=_boolean(root.get("ForceAuthn")),
        is_passive=_boolean(root.get("IsPassive")),
        relay_state=relay_state,
        name_id_policy_ok=wanted_format is None or wanted_format in NAMEID_FORMATS_WE_SERVE,
    )


def _check_acs(root, *, config: AtlassianSaml) -> None:
    acs = root.get("AssertionConsumerServiceURL")
    if acs is not None and acs != config.acs_url:
        raise ForeignAcs(f"the AuthnRequest asks for the assertion at {acs[:200]!r}, not the configured ACS URL.")
    if root.get("AssertionConsumerServiceIndex") is not None and acs is None:
        raise ForeignAcs("the AuthnRequest names its ACS by index, which the gateway cannot resolve.")
    binding = root.get("ProtocolBinding")
    if binding is not None and binding != saml.BINDING_POST:
        raise RequestInvalid("the AuthnRequest asks for a binding other than HTTP-POST.", reason="binding_unsupported")


def _check_instant(value: str, *, now: dt.datetime) -> None:
    issued = saml.parse_instant(value)
    if issued > now + CLOCK_LEEWAY or issued < now - MAX_AGE:
        raise RequestInvalid("the AuthnRequest is too old or from the future.", reason="authn_request_stale")


def _boolean(value: str | None) -> bool:
    """xs:boolean: "true" or "1" (Core §3.4.1 ForceAuthn, IsPassive); anything else is false."""
    return (value or "").strip() in ("true", "1")
