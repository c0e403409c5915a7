"""The client's IP address, the same way for rate limits, admin lockout (django-axes), /metrics and the sign-in log.

Behind a reverse proxy REMOTE_ADDR is the proxy: every request of the internet would share one
address, one rate-limit bucket and one lockout. So behind a proxy GATEWAY_CLIENT_IP_HEADER names the
header the proxy sets (X-Real-IP, which it overwrites, or X-Forwarded-For, to which it appends), and
GATEWAY_TRUSTED_PROXIES the addresses the proxies have. The header is believed only on a request whose
REMOTE_ADDR is a trusted proxy (anyone else could have written it), and read from the right: the
first address that is not a trusted proxy is the client (MDN, "X-Forwarded-For: Selecting an IP
address"; the algorithm of nginx's `real_ip_recursive`).

A request from a trusted proxy without a usable header (a proxy that does not set it, or a probe on
the host that skips the proxy) cannot be told apart from the proxy itself. It gets REMOTE_ADDR, so
health probes keep working, is marked "unresolved" (never enough for the /metrics allow-list), and a
warning names the header, at most once a minute per process: that is how an operator notices that
every client is being counted as one.
"""

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings

from sso_gateway.netconf import address_in

logger = logging.getLogger("gateway.clientip")
_UNKNOWN = "0.0.0.0"  # noqa: S104 - a placeholder address, not a bind address
_WARN_EVERY_SECONDS = 60.0
_last_warning: float | None = None


@dataclass(frozen=True)
class ClientAddress:
    ip: str
    #: "peer": REMOTE_ADDR, no proxy in between (or one that is not trusted); "proxy": what a trusted proxy
    #: reported; "unresolved": a trusted proxy's request without a usable header (REMOTE_ADDR is used).
    via: str


def client_ip(request) -> str:
    """The client's address (AXES_CLIENT_IP_CALLABLE, the rate limits and the sign-in log call this)."""
    return client_address(request).ip


def client_address(request) -> ClientAddress:
    meta = request.META
    peer = _address(meta.get("REMOTE_ADDR", ""))
    header = settings.GATEWAY_CLIENT_IP_HEADER
    if not header:
        return ClientAddress(peer or _UNKNOWN, "peer")
    # No IP at all is a Unix socket: only a process on this host can connect (gunicorn treats it as trusted too).
    if peer and not _trusted(peer):
        return ClientAddress(peer, "peer")
    hops = [hop.strip() for hop in meta.get(header, "").split(",")]
    client = _rightmost_untrusted(hops)
    if client is None:
        _warn_unresolved(header, peer)
        return ClientAddress(peer or _UNKNOWN, "unresolved")
    return ClientAddress(client, "proxy")


def _rightmost_untrusted(hops: list[str]) -> str | None:
    """The first address from the right that is not a trusted proxy; the leftmost when all are (the proxy's
    own host asked); None when the header is missing or a hop is not an address (nothing in it is reliable)."""
    addresses = [_address(hop) for hop in hops]
    if not addresses or None in addresses:
        return None
    for address in reversed(addresses):
        if not _trusted(address):
            return address
    return addresses[0]


def _address(value: str) -> str | None:
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:203.0.113.5 is 203.0.113.5 (one bucket, not two)
    return str(mapped or ip)


def _trusted(address: str) -> bool:
    return address_in(address, settings.GATEWAY_TRUSTED_PROXIES)


def _warn_unresolved(header: str, peer: str | None) -> None:
    global _last_warning
    now = time.monotonic()
    if _last_warning is not None and now - _last_warning < _WARN_EVERY_SECONDS:
        return
    _last_warning = now
    logger.warning(
        "A request from the trusted proxy %s had no usable %s header: it is counted as coming from the proxy "
        "itself. If this is not a probe on this host, make the proxy set the header (see .env.example).",
        peer or "(unix socket)",
        header,
        extra={"outcome": "client_ip_unresolved"},
    )
