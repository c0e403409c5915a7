"""ID token checks that need no HTTP (OpenID Connect Core 3.1.3.7): keys chosen by kid, algorithms, leeway."""

import time

import jwt
import pytest

from fakes.oidc import DROP, SigningKey
from providers.oidc import discovery, tokens
from providers.oidc.errors import IdTokenInvalid
from tests.factories import IdentityProviderFactory

pytestmark = pytest.mark.django_db
ISSUER = "https://idp.example"


@pytest.fixture
def provider(tenant):
    return IdentityProviderFactory(
        tenant=tenant, client_id="gateway", discovery_url=f"{ISSUER}/.well-known/openid-configuration"
    )


def claims(**overrides):
    now = int(time.time())
    base = {"iss": ISSUER, "aud": "gateway", "sub": "s-1", "iat": now, "exp": now + 300, "nonce": "n-1"}
    return {key: value for key, value in {**base, **overrides}.items() if value is not DROP}


class Keys:
    """A JWKS the test controls; records how often it was fetched and whether as a refresh."""

    def __init__(self, *published):
        self.published = [key.public_jwk() for key in published]
        self.calls = []

    def __call__(self, refresh):
        self.calls.append(refresh)
        return self.published


def signed(key, payload, *, kid=True):
    """As a provider signs: with the key's kid in the header unless `kid=False`."""
    return key.sign(payload, headers={"kid": key.kid} if kid else None)


def validate(token, provider, keys):
    return tokens.validate_id_token(token, provider=provider, issuer=ISSUER, nonce="n-1", keys=keys)


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256"])
def test_each_allowed_algorithm_validates(provider, alg):
    key = SigningKey.generate(alg)
    assert validate(signed(key, claims()), provider, Keys(key))["sub"] == "s-1"


def test_no_kid_is_accepted_with_exactly_one_suitable_key_only(provider):
    key, other = SigningKey.generate("RS256"), SigningKey.generate("RS256")
    token = signed(key, claims(), kid=False)
    assert jwt.get_unverified_header(token).get("kid") is None
    assert validate(token, provider, Keys(key, SigningKey.generate("ES256")))["sub"] == "s-1"
    with pytest.raises(IdTokenInvalid) as caught:
        validate(token, provider, Keys(key, other))
    assert caught.value.reason == "kid_missing"


def test_an_unknown_kid_refetches_the_keys_once(provider):
    keys = Keys(SigningKey.generate("RS256"))
    with pytest.raises(IdTokenInvalid) as caught:
        validate(signed(SigningKey.generate("RS256", kid="new"), claims()), provider, keys)
    assert caught.value.reason == "kid_unknown" and keys.calls == [False, True]


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"iss": "https://evil.example"}, "iss_mismatch"),
        ({"iss": ISSUER + "/"}, "iss_mismatch"),
        ({"aud": "another"}, "aud_mismatch"),
        ({"aud": DROP}, "missing_aud"),
        ({"iat": DROP}, "missing_iat"),
        ({"exp": DROP}, "missing_exp"),
        ({"sub": DROP}, "missing_sub"),
        ({"sub": "x" * 256}, "sub_too_long"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not_yet_valid"),
        ({"iat": int(time.time()) + 3600}, "not_yet_valid"),
        ({"nonce": "other"}, "nonce_mismatch"),
        ({"nonce": DROP}, "nonce_missing"),
    ],
)
def test_each_claim_check_refuses_with_its_reason(provider, overrides, reason):
    key = SigningKey.generate("RS256")
    with pytest.raises(IdTokenInvalid) as caught:
        validate(signed(key, claims(**overrides)), provider, Keys(key))
    assert caught.value.reason == reason


def test_the_clock_leeway_is_the_providers(provider):
    key = SigningKey.generate("ES256")
    token = signed(key, claims(exp=int(time.time()) - 30))
    assert validate(token, provider, Keys(key))  # default leeway 60 s
    provider.clock_leeway = 5
    with pytest.raises(IdTokenInvalid):
        validate(token, provider, Keys(key))


def test_alg_none_is_refused_even_when_hs256_is_allowed(provider):
    provider.allow_hs256 = True
    token = jwt.encode(claims(), None, algorithm="none")
    with pytest.raises(IdTokenInvalid) as caught:
        validate(token, provider, Keys())
    assert caught.value.reason == "alg_none"


def test_a_token_signed_with_the_public_key_as_hmac_secret_is_refused(provider):
    """The classic RS256→HS256 confusion: HS256 is off by default, so it never reaches a key."""
    key = SigningKey.generate("RS256")
    token = jwt.encode(claims(), "x" * 64, algorithm="HS256", headers={"kid": key.kid})
    with pytest.raises(IdTokenInvalid) as caught:
        validate(token, provider, Keys(key))
    assert caught.value.reason == "alg_not_allowed"


def test_garbage_is_malformed_not_a_crash(provider):
    for token in ["", "abc", "a.b.c", None]:
        with pytest.raises(IdTokenInvalid):
            validate(token, provider, Keys())


def test_jwks_refreshes_are_throttled(provider, oidc_provider):
    metadata = discovery.Metadata(
        issuer=oidc_provider.issuer, authorization_endpoint="x", token_endpoint="x", jwks_uri=oidc_provider.url("jwks")
    )
    discovery.jwks_get(metadata=metadata)
    discovery.jwks_get(metadata=metadata)
    discovery.jwks_get(metadata=metadata, refresh=True)
    discovery.jwks_get(metadata=metadata, refresh=True)
    assert oidc_provider.count("jwks") == 2
