"""Reading the network settings (client address header, trusted proxies, metrics allow-list) at start.

settings.py may only use what needs no configured Django, so these helpers stand alone: a value an
operator got wrong stops the start with ImproperlyConfigured naming the setting, rather than
quietly trusting the wrong peer on every request.
"""

import ipaddress
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Loopback and private ranges (RFC 1918, RFC 4193): the addresses a reverse proxy of this deployment can
# have. The same default as Rails' ActionDispatch::RemoteIp::TRUSTED_PROXIES; narrow it to your proxy.
PRIVATE_AND_LOOPBACK = ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
LOOPBACK = ("127.0.0.0/8", "::1/128")


def meta_name(header: str) -> str:
    """`X-Real-IP`, `x_real_ip` or `HTTP_X_REAL_IP` all name request.META["HTTP_X_REAL_IP"] (PEP 3333)."""
    name = header.strip().upper().replace("-", "_")
    return name if not name or name.startswith("HTTP_") else f"HTTP_{name}"


def networks_setting(name: str, values: list[str]) -> list[str]:
    """The setting's CIDRs (a bare address is a /32 or /128), or ImproperlyConfigured naming `name`."""
    try:
        return [str(n) for n in parse_networks(tuple(v.strip() for v in values if v.strip()))]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be IP addresses or networks (CIDR), comma-separated: {exc}") from exc


@lru_cache(maxsize=16)
def parse_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def address_in(address: str, values: list[str] | tuple[str, ...]) -> bool:
    """Whether `address` lies in one of the networks `values` (False for anything that is not an address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in parse_networks(tuple(values)))
