"""The client's IP address, the same way for rate limits, admin lockout and the sign-in log.

Behind a reverse proxy REMOTE_ADDR is the proxy. Set GATEWAY_CLIENT_IP_HEADER to the header your
proxy sets and overwrites (e.g. HTTP_X_REAL_IP); never trust a header the client can set itself.
With several values (X-Forwarded-For), the last one was added by your proxy.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    header = settings.GATEWAY_CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    candidate = value.split(",")[-1].strip() if value else ""
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a placeholder, not a bind address
