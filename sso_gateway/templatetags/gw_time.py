"""One way to show a time, everywhere: in the viewer's zone and language, with the zone named.

`{{ value|when }}` takes a datetime, Jira's ISO 8601 text (`2026-12-10T14:30:00.000+0000`) or JSM's
DateDTO (`{"iso8601": ..., "epochMillis": ...}`) and renders `<time datetime="...">10 Dec 2026, 15:30 CET</time>`
in the active time zone (the customer's, see `sso_gateway.locales`) and the active language's
DATETIME_FORMAT (`sso_gateway/formats/`). `{{ value|day }}` does the same for a date (Jira date fields).
Anything that is not a time is shown as it came, escaped, rather than dropped.
"""

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


def moment_of(value) -> dt.datetime | None:
    """An aware datetime from what Jira or Django hands a template, or None."""
    if isinstance(value, dict):
        if isinstance(value.get("epochMillis"), int | float):
            return dt.datetime.fromtimestamp(value["epochMillis"] / 1000, tz=dt.UTC)
        value = value.get("iso8601") or value.get("jira") or ""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    text = str(value or "").strip()
    if "T" not in text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def day_of(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


@register.filter(is_safe=True)
def when(value, style="DATETIME_FORMAT"):
    moment = moment_of(value)
    if moment is None:
        return value if isinstance(value, str) else ""
    local = timezone.localtime(moment)
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), formats.date_format(local, style))


@register.filter(is_safe=True)
def day(value):
    if (moment := moment_of(value)) is not None:
        return when(moment, "DATE_FORMAT")
    found = day_of(value)
    if found is None:
        return value if isinstance(value, str) else ""
    return format_html('<time datetime="{}">{}</time>', found.isoformat(), formats.date_format(found, "DATE_FORMAT"))
