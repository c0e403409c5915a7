"""ID token validation, as OpenID Connect Core 3.1.3.7 lists it, with PyJWT.

mozilla-django-oidc checks the signature and the nonce only (its issue #340: no `iss`, `aud` or
`iat`), accepts one configured algorithm, and lets an expired token or a token without `kid`
end in a 500. Every check here that fails raises `IdTokenInvalid` with a reason naming it.
"""

import secrets
from collections.abc import Callable

import jwt

from providers.models import IdentityProvider
from providers.oidc.errors import IdTokenInvalid

ASYMMETRIC = {"RS256": "RSA", "PS256": "RSA", "ES256": "EC"}
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub"]

# PyJWT's exceptions → our reason codes (most specific first: several subclass each other).
_REASONS: list[tuple[type[Exception], str, str]] = [
    (jwt.ExpiredSignatureError, "expired", "the ID token has expired (exp)"),
    (jwt.InvalidIssuerError, "iss_mismatch", "the ID token's iss is not the discovered issuer"),
    (jwt.InvalidAudienceError, "aud_mismatch", "the ID token's aud does not contain our client id"),
    (jwt.MissingRequiredClaimError, "claim_missing", "the ID token lacks a required claim"),
    (jwt.ImmatureSignatureError, "not_yet_valid", "the ID token is not valid yet (iat or nbf in the future)"),
    (jwt.exceptions.InvalidSubjectError, "sub_invalid", "the ID token's sub is not a string"),
    (jwt.InvalidIssuedAtError, "iat_invalid", "the ID token's iat is not a number"),
    (jwt.InvalidSignatureError, "bad_signature", "the ID token's signature does not verify"),
    (jwt.InvalidAlgorithmError, "alg_not_allowed", "the ID token's algorithm is not allowed"),
    (jwt.InvalidKeyError, "bad_key", "the provider's key cannot verify this token"),
    (jwt.DecodeError, "malformed", "the ID token is malformed"),
]

KeysFn = Callable[[bool], list[dict]]


def allowed_algorithms(provider: IdentityProvider) -> list[str]:
    return [*ASYMMETRIC, "HS256"] if provider.allow_hs256 else list(ASYMMETRIC)


def header_of(token: str) -> dict:
    if not isinstance(token, str) or not token:
        raise IdTokenInvalid("the token response has no id_token.", reason="id_token_missing")
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise IdTokenInvalid("the ID token is not a JWS.", reason="malformed") from exc


def algorithm_of(header: dict, *, provider: IdentityProvider) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise IdTokenInvalid("the ID token is unsigned (alg none), which is always refused.", reason="alg_none")
    if alg not in allowed_algorithms(provider):
        raise IdTokenInvalid(f"the ID token is signed with {alg[:20]}, which is not allowed.", reason="alg_not_allowed")
    return alg


def signing_key(header: dict, alg: str, *, provider: IdentityProvider, keys: KeysFn):
    """The key that must have signed the token. `keys(refresh)` returns the JWKS (cached unless refresh)."""
    if alg == "HS256":
        if not provider.client_secret:
            raise IdTokenInvalid("HS256 needs the client secret, and none is set.", reason="bad_key")
        return str(provider.client_secret).encode()
    kid = header.get("kid")
    found = _pick(keys(False), kid, alg)
    if found is None and kid is not None:
        found = _pick(keys(True), kid, alg)  # the provider may have rotated its keys since we cached them
    if found is None:
        reason = "kid_unknown" if kid is not None else "kid_missing"
        detail = (
            "no key in the provider's JWKS matches the ID token's kid"
            if kid is not None
            else ("the ID token has no kid and the JWKS does not have exactly one suitable key")
        )
        raise IdTokenInvalid(detail + ".", reason=reason)
    try:
        return jwt.PyJWK(found, algorithm=alg).key
    except jwt.PyJWTError as exc:
        raise IdTokenInvalid("the provider's key for this token cannot be loaded.", reason="bad_key") from exc


def _pick(jwks: list[dict], kid, alg: str) -> dict | None:
    suitable = [
        key
        for key in jwks
        if key.get("kty") == ASYMMETRIC[alg] and key.get("use", "sig") == "sig" and key.get("alg", alg) == alg
    ]
    if kid is None:
        return suitable[0] if len(suitable) == 1 else None
    matches = [key for key in suitable if key.get("kid") == kid]
    return matches[0] if len(matches) == 1 else None


def validate_id_token(token: str, *, provider: IdentityProvider, issuer: str, nonce: str, keys: KeysFn) -> dict:
    """All of OpenID Connect Core 3.1.3.7 steps 1-11 that apply to the code flow; returns the claims."""
    header = header_of(token)
    alg = algorithm_of(header, provider=provider)
    key = signing_key(header, alg, provider=provider, keys=keys)
    claims = decode(token, key, algorithms=[alg], provider=provider, issuer=issuer)
    _check_azp(claims, client_id=provider.client_id)
    _check_nonce(claims, nonce=nonce)
    _check_sub(claims)
    return claims


def decode(token: str, key, *, algorithms: list[str], provider: IdentityProvider, issuer: str | None) -> dict:
    """`issuer=None`: a signed userinfo response (5.3.2), whose iss and aud the caller checks when present."""
    options = {
        "require": REQUIRED_CLAIMS if issuer else ["sub"],
        "verify_iss": bool(issuer),
        "verify_aud": bool(issuer),
    }
    try:
        return jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=provider.client_id if issuer else None,
            issuer=issuer,
            leeway=provider.clock_leeway,
            options=options,
        )
    except jwt.PyJWTError as exc:
        raise _translate(exc) from exc


def _translate(exc: Exception) -> IdTokenInvalid:
    for kind, reason, text in _REASONS:
        if isinstance(exc, kind):
            if isinstance(exc, jwt.MissingRequiredClaimError):
                return IdTokenInvalid(f"{text}: {exc.claim}.", reason=f"missing_{exc.claim}")
            return IdTokenInvalid(f"{text}.", reason=reason)
    return IdTokenInvalid("the ID token did not validate.", reason="id_token_invalid")


def _check_azp(claims: dict, *, client_id: str) -> None:
    """3.1.3.7 steps 4-5: with several audiences, azp must be present; if present, it must be us."""
    aud = claims.get("aud")
    several = isinstance(aud, list) and len(aud) > 1
    if several and "azp" not in claims:
        raise IdTokenInvalid("the ID token has several audiences and no azp.", reason="azp_missing")
    if "azp" in claims and claims["azp"] != client_id:
        raise IdTokenInvalid("the ID token's azp is another client.", reason="azp_mismatch")


def _check_nonce(claims: dict, *, nonce: str) -> None:
    """3.1.3.7 step 11: the nonce we sent must come back, or the token may be replayed."""
    value = claims.get("nonce")
    if not isinstance(value, str) or not secrets.compare_digest(value.encode(), nonce.encode()):
        reason = "nonce_missing" if value is None else "nonce_mismatch"
        raise IdTokenInvalid("the ID token's nonce is not the one we sent.", reason=reason)


def _check_sub(claims: dict) -> None:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise IdTokenInvalid("the ID token's sub is empty or not a string.", reason="missing_sub")
    if len(sub) > 255:
        raise IdTokenInvalid("the ID token's sub is longer than 255 characters.", reason="sub_too_long")
