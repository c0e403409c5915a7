"""Template helpers of the portal: rich text through the sanitiser, dict lookups, field names, the brand colour.

Times are shown by `sso_gateway.templatetags.gw_time` (`when`, `day`): in the customer's zone and language."""

import re

from django import template
from django.urls import reverse
from django.utils.html import format_html_join

from portal import rendering

register = template.Library()
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def css_hex_color(value):
    """`#0052cc`, or "" for anything else: the brand colour goes into a `<style>` the CSP nonce vouches for, so
    nothing but a colour may reach it (the model's validator is not run by every way in)."""
    value = str(value or "")
    return value if _HEX_COLOR.fullmatch(value) else ""


@register.filter
def wiki(text):
    """Wiki markup (comment bodies) → sanitised HTML."""
    return rendering.wiki_to_html(text or "")


@register.filter
def field_value(value):
    return rendering.field_value_html(value)


@register.filter
def typed_value(value):
    """A date, date-time or URL field's value formatted for the customer (rather than Jira's rendering), or ""."""
    return rendering.typed_value_html(value) or ""


@register.filter
def quoted_names(fields):
    """Fields' names for a sentence: “Asset”, “Location” (escaped; the sentence around them is translated)."""
    names = ((getattr(field, "name", "") or getattr(field, "field_id", ""),) for field in fields or ())
    return format_html_join(", ", "“{}”", names)


@register.simple_tag(takes_context=True)
def jira_rich(context, html):
    """JSM's rendered HTML of this request (`renderedValue`, `renderedBody`): sanitised, its files and portal
    links through the gateway (portal.rendering.jira_html); needs `tenant`, `item` and `jira_host` in context."""
    tenant, item = context["tenant"], context["item"]

    def file_url(attachment_id):
        return reverse("portal:attachment", args=[tenant.slug, item.issue_key, attachment_id])

    def preview_url(attachment_id):
        return reverse("portal:preview", args=[tenant.slug, item.issue_key, attachment_id])

    return rendering.jira_html(
        html,
        site_host=context.get("jira_host", ""),
        file_url=file_url,
        preview_url=preview_url,
        portal_path=lambda path: f"/{tenant.slug}{path}",
    )
