"""Absolute URLs built from GATEWAY_BASE_URL: what admins paste into an IdP and send to customers."""

from django.conf import settings
from django.utils.html import format_html


def absolute(path: str) -> str:
    return f"{settings.GATEWAY_BASE_URL}{path}"


def copyable(url: str) -> str:
    """An admin read-only value with a copy button (see static/gateway/admin/copy.js)."""
    return format_html(
        '<code class="gw-copy-value">{}</code> '
        '<button type="button" class="button gw-copy" data-copy="{}">Copy</button>',
        url,
        url,
    )
