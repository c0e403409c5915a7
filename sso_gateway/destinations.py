"""Where the gateway may connect: never into its own network (server-side request forgery).

Tenant admins type the addresses the gateway calls (a Jira site URL, an identity provider's domain or
discovery URL) and a provider's discovery document names more. Pointed inside the gateway's network, such
an address would make the gateway send a service account's credentials there and show the answer to whoever
typed it: OWASP's "Server-Side Request Forgery Prevention Cheat Sheet" (case 2, "the application can send
requests to ANY external IP address or domain name") asks for exactly what is done here:

- a name that only means something inside a network is refused as typed (`name_refusal`): cloud metadata
  names, `localhost` and the special-use suffixes of RFC 6761 6.3, RFC 6762 (.local), RFC 8375 (.home.arpa)
  and ICANN's private-use .internal, and single-label names (resolved through the host's search domains);
- every address a name resolves to must be a public unicast one (`address_refusal`): not loopback, private
  (RFC 1918, RFC 4193), link-local (RFC 3927, where cloud metadata answers at 169.254.169.254; fe80::/10),
  shared (RFC 6598), multicast, unspecified or reserved (the IANA special-purpose registries, RFC 6890);
- the name is resolved once and the socket goes to the addresses that were checked (`resolve`, through the
  `CheckedAdapter` that `sso_gateway.outgoing_http` mounts on its sessions), so a name that answers
  differently a second later (DNS rebinding) reaches nothing it was not checked for.

Two ways around, both for operators: GATEWAY_ALLOW_INSECURE_HTTP (tests and the demo, whose fakes listen on
127.0.0.1; the production profile refuses it) switches every check off, and GATEWAY_OUTBOUND_ALLOW lists host
names (allowed whatever they resolve to) and CIDRs (addresses allowed whatever name led to them), e.g. an
on-premises identity provider at 10.0.0.5. Read at each call, so tests can change them.

This is the floor: it imports nothing from the apps.
"""

import contextlib
import functools
import ipaddress
import socket
import sys
from urllib.parse import urlsplit

from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import HAS_IPV6

# Names of cloud metadata services (Google Cloud, AWS EC2, Tencent Cloud): they answer with the instance's
# credentials. Others (Azure, Oracle, DigitalOcean, Alibaba) answer only at link-local or shared addresses.
METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.tencentyun.com",
    }
)
# RFC 6761 6.3 (.localhost), RFC 6762 (.local, multicast DNS), RFC 8375 (.home.arpa), ICANN's .internal.
INTERNAL_SUFFIXES = (".localhost", ".local", ".home.arpa", ".internal")

_NETWORKS = [
    (("127.0.0.0/8", "::1/128"), "a loopback address"),
    (("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"), "a private address (RFC 1918)"),
    (("fc00::/7",), "a private address (RFC 4193)"),
    (("169.254.0.0/16", "fe80::/10"), "a link-local address (where cloud metadata services answer)"),
    (("100.64.0.0/10",), "a shared address (RFC 6598, carrier-grade NAT)"),
    (("0.0.0.0/8", "::/128"), "an unspecified address"),
    (("224.0.0.0/4", "ff00::/8"), "a multicast address"),
    (("240.0.0.0/4", "fec0::/10"), "a reserved address"),
]
REFUSED_NETWORKS = [(ipaddress.ip_network(cidr), reason) for cidrs, reason in _NETWORKS for cidr in cidrs]
# RFC 6052: IPv4 addresses reached through a NAT64 gateway; judged by the IPv4 address they embed.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class DestinationRefused(Exception):
    """The gateway does not connect there. Deliberately not an OSError: urllib3 would turn one into a
    "connection failed" worth retrying, and this is an answer that asking again will not change."""

    def __init__(self, message: str, *, host: str):
        super().__init__(message)
        self.host = host


def guarded() -> bool:
    return not settings.GATEWAY_ALLOW_INSECURE_HTTP


@functools.lru_cache(maxsize=8)
def _allow_list(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple]:
    names, networks = set(), []
    for entry in (e.strip() for e in entries):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            if entry:
                names.add(entry.lower().rstrip("."))
    return frozenset(names), tuple(networks)


def allow_list() -> tuple[frozenset[str], tuple]:
    """GATEWAY_OUTBOUND_ALLOW as (host names, networks)."""
    return _allow_list(tuple(settings.GATEWAY_OUTBOUND_ALLOW))


def name_refusal(host: str) -> str | None:
    """Why the name `host` is refused as typed, or None. An address literal is judged by `address_refusal`."""
    name = host.lower().rstrip(".")
    if not name or _literal(name) is not None:
        return None
    if name in METADATA_NAMES:
        return "a cloud metadata service's name"
    if name == "localhost" or name.endswith(INTERNAL_SUFFIXES):
        return "a name that only exists inside a network"
    if "." not in name:
        return "a single-label name (resolved inside the gateway's own network)"
    return None


def address_refusal(address: str) -> str | None:
    """Why the address is not a public unicast one, or None. IPv4 inside IPv6 (mapped, NAT64, 6to4) is
    judged by the IPv4 address too, so ::ffff:127.0.0.1 is loopback."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is no part of it
    if ip.version == 6:
        embedded = ip.ipv4_mapped or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        if embedded is not None:
            return address_refusal(str(embedded))
        if ip.sixtofour is not None and (reason := address_refusal(str(ip.sixtofour))):
            return reason
    for network, reason in REFUSED_NETWORKS:
        if ip in network:
            return reason
    if ip.is_multicast or ip.is_reserved or not ip.is_global:
        return "not a public address (IANA special-purpose registry)"
    return None


def _literal(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _getaddrinfo(host: str, port) -> list[tuple]:
    """The one DNS lookup, of every address family; tests replace it (tests/fixtures/dns.py)."""
    return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)


def resolve(host: str, port) -> list[tuple]:
    """`getaddrinfo` for `host`, refused (`DestinationRefused`) unless the name and EVERY address it resolves
    to are allowed: connect to what this returns, never to the name. `socket.gaierror` when there is no such
    name."""
    host = host.strip("[]")
    check_name(host)
    found = _getaddrinfo(host, port)
    if _checked(host):
        networks = allow_list()[1]
        for *_, sockaddr in found:
            _check_address(host, sockaddr[0], networks)
    return found


def check_name(host: str) -> None:
    """Refuses a name that only means something inside a network (`name_refusal`), unless it is allowed."""
    if _checked(host) and (reason := name_refusal(host)):
        raise DestinationRefused(f"{host} is {reason}.", host=host)


def _checked(host: str) -> bool:
    return guarded() and host.lower().rstrip(".") not in allow_list()[0]


def _check_address(host: str, address: str, networks) -> None:
    reason = address_refusal(address)
    if reason and not any(ipaddress.ip_address(address.split("%", 1)[0]) in network for network in networks):
        said = f"{host} is {reason}" if host == address else f"{host} resolves to {address}, {reason}"
        raise DestinationRefused(said + ".", host=host)


def check_host(host: str, port=None) -> None:
    """`resolve` for a host the gateway will call later: refuses what is refused now; a name that does not
    resolve (yet, or from here: behind a proxy that resolves it) passes, and is checked again at connect time."""
    if not guarded():
        return
    with contextlib.suppress(OSError, UnicodeError, ValueError):
        resolve(host, port)


# -- connections that hold to it
class _CheckedConnection:
    """Opens the socket to the addresses `resolve` checked, never to the name again. Everything
    above the socket (TLS with SNI and certificate check for `self.host`, the Host header) is urllib3's own."""

    def _new_conn(self) -> socket.socket:
        try:
            found = resolve(self._dns_host, self.port)  # every family checked, even one this host cannot use
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        error: OSError = OSError("getaddrinfo returned no address")
        for family, kind, proto, _, address in found:
            if family == socket.AF_INET6 and not HAS_IPV6:
                continue
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if self.timeout is None or isinstance(self.timeout, int | float):
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(address)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        if isinstance(error, TimeoutError):
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error


class _CheckedHTTPConnection(_CheckedConnection, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnection, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """Direct connections through the checked pools. Through a proxy, urllib3's own pools connect to the
    proxy (the operator's choice) and the target's name is checked here, as it resolves from this host."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        if select_proxy(request.url, proxies or {}):
            parts = urlsplit(request.url)
            check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
