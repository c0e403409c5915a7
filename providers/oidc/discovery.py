"""Provider metadata (OpenID Connect Discovery 1.0) and signing keys (JWKS), cached.

mozilla-django-oidc has neither discovery (its issues #280, #414) nor a key cache (#324: it
fetches the JWKS on every login). Here both live in Django's cache for
`GATEWAY_OIDC_METADATA_TTL` seconds, keyed by URL: a provider whose domain or discovery URL
is edited in the admin is read afresh on the next request, without a restart. In front of the
shared cache, each process keeps what it read for `GATEWAY_CONFIG_CACHE_SECONDS`
(sso_gateway/localcache.py), so a warm sign-in start or callback makes no round trip to Redis.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from providers.errors import ProviderMisbehaved
from providers.models import IdentityProvider
from providers.oidc import http
from sso_gateway.localcache import LocalCache
from tenants.validators import validate_outbound_url

REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
JWKS_REFRESH_INTERVAL = 10
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint")

_local = LocalCache("discovery documents and JWKS by URL")


@dataclass(frozen=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def _key(kind: str, url: str) -> str:
    return f"gw.oidc.{kind}.{hashlib.sha256(url.encode()).hexdigest()}"


def _ttl() -> int:
    return int(settings.GATEWAY_OIDC_METADATA_TTL)


def metadata_get(*, provider: IdentityProvider) -> Metadata:
    url = provider.resolved_discovery_url()
    return _local.get_or_load(_key("discovery", url), lambda: _metadata_shared(url))


def _metadata_shared(url: str) -> Metadata:
    cached = cache.get(_key("discovery", url))
    if cached is None:
        cached = _metadata_parse(http.get_json(url, what="discovery document"), discovery_url=url)
        cache.set(_key("discovery", url), cached, _ttl())
    return Metadata(**cached)


def _metadata_parse(document: dict, *, discovery_url: str) -> dict:
    """Discovery 4.3: the issuer must be the URL the document was fetched under, minus the well-known suffix."""
    missing = [name for name in REQUIRED if not isinstance(document.get(name), str) or not document[name]]
    if missing:
        raise ProviderMisbehaved(f"discovery document lacks {', '.join(missing)}.", reason="discovery_invalid")
    expected = document["issuer"].rstrip("/") + "/.well-known/openid-configuration"
    if expected != discovery_url:
        raise ProviderMisbehaved(
            f"discovery document names issuer {document['issuer'][:200]!r}, which does not match the discovery URL "
            f"{discovery_url[:200]!r} (OpenID Connect Discovery 4.3).",
            reason="discovery_issuer_mismatch",
        )
    values = {"issuer": document["issuer"]}
    for name in ENDPOINTS:
        value = document.get(name) or ""
        if not isinstance(value, str):
            raise ProviderMisbehaved(f"discovery document: {name} is not a URL.", reason="discovery_invalid")
        if value:
            try:
                validate_outbound_url(value)
            except ValidationError as exc:
                raise ProviderMisbehaved(
                    f"discovery document: {name}: {exc.messages[0]}", reason="discovery_invalid"
                ) from exc
        values[name] = value
    return values


def jwks_get(*, metadata: Metadata, refresh: bool = False) -> list[dict]:
    """The provider's keys. `refresh=True` refetches (a token named a `kid` we do not know: key rotation).

    Refetches are limited to one per JWKS_REFRESH_INTERVAL seconds, so a stream of tokens with made-up
    `kid`s cannot turn the gateway into a JWKS-fetching machine aimed at the provider.
    """
    key = _key("jwks", metadata.jwks_uri)
    if refresh and not cache.add(f"{key}.refreshed", True, JWKS_REFRESH_INTERVAL):
        refresh = False
    if refresh:
        _local.forget(key)
    return _local.get_or_load(key, lambda: _jwks_shared(key, metadata.jwks_uri, refresh=refresh))


def _jwks_shared(key: str, url: str, *, refresh: bool) -> list[dict]:
    keys = None if refresh else cache.get(key)
    if keys is None:
        document = http.get_json(url, what="JWKS")
        keys = document.get("keys")
        if not isinstance(keys, list) or not all(isinstance(item, dict) for item in keys):
            raise ProviderMisbehaved("JWKS document has no list of keys.", reason="jwks_invalid")
        cache.set(key, keys, _ttl())
    return keys
