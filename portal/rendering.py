"""Jira's rich text → safe HTML.

Jira hands the portal two kinds of rich text: Atlassian Document Format (ADF, JSON: descriptions
through the platform API, `isAdfRequest`) and wiki markup (comment bodies and text fields through
the JSM API). Both are converted with every text node escaped first, then the result goes through
nh3 (the Rust `ammonia` sanitiser): an allow-list of tags and attributes, `http`/`https`/`mailto`
links only, `rel="noopener noreferrer nofollow"`. No script, no event handler, no `javascript:`
URL survives, whatever the converters get wrong.
"""

import re

import nh3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sso_gateway.templatetags.gw_time import day, when

TAGS = {"p", "br", "strong", "em", "u", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "h5"}
TAGS |= {"h6", "hr", "span", "del", "sub", "sup", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}}
LINK_REL = "noopener noreferrer nofollow"


def clean(html: str) -> SafeString:
    """The one exit of this module: everything shown is sanitised here."""
    safe = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"}, link_rel=LINK_REL)
    return mark_safe(safe)  # noqa: S308 (sanitised by nh3 just above)


# -- ADF (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/)
BLOCKS = {
    "paragraph": "p",
    "bulletList": "ul",
    "orderedList": "ol",
    "listItem": "li",
    "blockquote": "blockquote",
    "tableRow": "tr",
    "tableHeader": "th",
    "tableCell": "td",
}
MARKS = {"strong": "strong", "em": "em", "underline": "u", "strike": "s", "code": "code"}


def adf_to_html(document: dict) -> SafeString:
    return clean(_adf(document))


def _adf(node) -> str:
    if not isinstance(node, dict):
        return ""
    kind, children = node.get("type"), node.get("content") or []
    inner = "".join(_adf(child) for child in children if isinstance(child, dict))
    if kind == "text":
        return _adf_text(node)
    if kind in BLOCKS:
        return f"<{BLOCKS[kind]}>{inner}</{BLOCKS[kind]}>"
    if kind == "heading":
        level = min(6, max(3, int((node.get("attrs") or {}).get("level", 3)) + 2))
        return f"<h{level}>{inner}</h{level}>"
    if kind == "codeBlock":
        return f"<pre><code>{inner}</code></pre>"
    if kind == "table":
        return f"<table><tbody>{inner}</tbody></table>"
    if kind == "hardBreak":
        return "<br>"
    if kind == "rule":
        return "<hr>"
    if kind == "mention":
        return f"<strong>{escape((node.get('attrs') or {}).get('text', '@someone'))}</strong>"
    if kind in ("emoji", "status", "date", "inlineCard"):
        attrs = node.get("attrs") or {}
        return escape(str(attrs.get("text") or attrs.get("shortName") or attrs.get("url") or ""))
    return inner  # doc, panels, media groups...: keep their text


def _adf_text(node: dict) -> str:
    html = escape(str(node.get("text", "")))
    for mark in node.get("marks") or []:
        kind = (mark or {}).get("type")
        if kind in MARKS:
            html = f"<{MARKS[kind]}>{html}</{MARKS[kind]}>"
        elif kind == "link":
            href = escape(str((mark.get("attrs") or {}).get("href", "")))
            html = f'<a href="{href}">{html}</a>'
    return html


# -- wiki markup (https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa)
INLINE = [
    (re.compile(r"\{\{(.+?)\}\}"), r"<code>\1</code>"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w-])-(?=\S)(.+?)(?<=\S)-(?![\w-])"), r"<del>\1</del>"),
    (re.compile(r"\[([^|\]]+)\|((?:https?://|mailto:)[^\]\s]+)\]"), r'<a href="\2">\1</a>'),
    (re.compile(r"\[((?:https?://|mailto:)[^\]\s]+)\]"), r'<a href="\1">\1</a>'),
]


def wiki_to_html(text: str) -> SafeString:
    """A practical subset: paragraphs, line breaks, h1.–h6., bullets, {code}/{noformat}, {quote}, inline marks."""
    html, in_list, in_code = [], False, False
    for raw in escape(text or "").replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if re.fullmatch(r"\{(code|noformat)(:[^}]*)?\}", line.strip()):
            html.append("</code></pre>" if in_code else ("</ul>" if in_list else "") + "<pre><code>")
            in_code, in_list = not in_code, False
            continue
        if in_code:
            html.append(raw + "\n")
            continue
        bullet = re.match(r"^[*#-]+ (.*)$", line)
        if in_list and not bullet:
            html.append("</ul>")
            in_list = False
        html.append(_wiki_line(line, bullet, in_list))
        in_list = bool(bullet)
    html.append("</ul>" if in_list else "")
    html.append("</code></pre>" if in_code else "")
    return clean("".join(html))


def _wiki_line(line: str, bullet, in_list: bool) -> str:
    if bullet:
        return ("" if in_list else "<ul>") + f"<li>{_inline(bullet.group(1))}</li>"
    heading = re.match(r"^h([1-6])\. (.*)$", line)
    if heading:
        level = min(6, int(heading.group(1)) + 2)
        return f"<h{level}>{_inline(heading.group(2))}</h{level}>"
    if line.strip() in ("{quote}", "----"):
        return "<hr>" if line.strip() == "----" else ""
    return f"<p>{_inline(line)}</p>" if line.strip() else ""


def _inline(text: str) -> str:
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return text


# -- a request's field values (CustomerRequestFieldValueDTO.value)
#: A Jira date-time field's value (`2026-12-10T14:30:00.000+0000`), a date field's (`2026-12-10`), a URL field's.
JIRA_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})")
JIRA_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WEB_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def moment_html(value) -> SafeString | None:
    """A date or date-time field (Jira's ISO text or JSM's DateDTO) in the customer's zone and language, or None."""
    if isinstance(value, dict) and ("iso8601" in value or "epochMillis" in value or "jira" in value):
        iso = str(value.get("iso8601") or value.get("jira") or "")
        return day(iso) if iso and "T" not in iso else when(value)
    text = str(value).strip() if isinstance(value, str) else ""
    if JIRA_DATETIME.fullmatch(text):
        return when(text)
    if JIRA_DATE.fullmatch(text):
        return day(text)
    return None


def typed_value_html(value) -> SafeString | None:
    """A date, date-time or URL field's value as the customer should see it, or None for any other value.

    Dates and date-times are formatted by `gw_time` (the customer's zone and language, the zone named), not as
    Jira's renderer wrote them (its server's zone and language); a URL (http/https only: anything else stays
    text) is a link with `rel="noopener noreferrer nofollow"`.
    """
    if (moment := moment_html(value)) is not None:
        return moment
    if isinstance(value, str) and WEB_URL.fullmatch(value.strip()):
        url = value.strip()
        return clean(format_html('<a href="{}" rel="{}">{}</a>', url, LINK_REL, url))
    return None


def field_value_html(value) -> SafeString:
    """ADF documents, options ({id, value}), lists, dates, links and text: each shown as a customer expects."""
    if isinstance(value, dict) and value.get("type") == "doc":
        return adf_to_html(value)
    if (typed := typed_value_html(value)) is not None:
        return typed
    if isinstance(value, dict):
        shown = str(value.get("value") or value.get("name") or value.get("displayName") or "")
        child = value.get("child")  # a cascading select: "Parent › Child"
        if isinstance(child, dict) and child.get("value"):
            shown = f"{shown} › {child['value']}"
        return clean(escape(shown))
    if isinstance(value, list):
        return clean(", ".join(str(field_value_html(i)) if isinstance(i, dict) else escape(str(i)) for i in value))
    if value is None or value == "":
        return mark_safe("—")
    return wiki_to_html(str(value))


# -- JSM's own rendered HTML (`renderedValue` of a field, `renderedBody` of a comment with expand=renderedBody)
RENDERED_TAGS = TAGS | {"img", "b", "i", "ins", "tt", "cite", "h1", "h2", "caption", "colgroup", "col", "dl", "dt"}
RENDERED_TAGS |= {"dd", "tfoot"}
RENDERED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"class"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
#: Where Jira's rendered HTML points at a request's files: /secure/attachment/<id>/<name>,
#: /secure/thumbnail/<id>/<name>, /rest/api/<n>/attachment/content/<id>, .../attachment/thumbnail/<id>.
JIRA_FILE = re.compile(
    r"^(?:https?://[^/]+)?(?:/ex/jira/[^/]+)?/(?:secure/(attachment|thumbnail)/(\d+)(?:/|$)"
    r"|rest/api/\d+/attachment/(content|thumbnail)/(\d+)(?:$|[/?]))"
)
JIRA_PORTAL = re.compile(r"^(?:https?://[^/]+)?/servicedesk/customer/(portals?(?:/[0-9A-Za-z/_-]*)?|user/requests)$")


def jira_html(html: str, *, site_host: str, file_url, preview_url, portal_path) -> SafeString:
    """JSM's rendered HTML, sanitised by nh3 (tables, lists, code, quotes, mentions kept), with every address
    checked: a request's file (link or image) goes through the gateway (`file_url(id)`, `preview_url(id)`, where
    the customer's access to that file is checked again); a link into JSM's customer portal goes to the same page
    under the tenant (`portal_path(path)`); any other address on the Jira site (agents' views, profiles, icons)
    is dropped, text kept; external http(s) and mailto links stay, images from elsewhere are dropped (no
    tracking pixels, and the page's CSP would refuse them)."""
    host = (site_host or "").lower()

    def checked(tag: str, attribute: str, value: str):
        if attribute not in ("href", "src"):
            return value
        found = JIRA_FILE.match(value.strip())
        if found:
            attachment_id = found.group(2) or found.group(4)
            return preview_url(attachment_id) if tag == "img" else file_url(attachment_id)
        if tag == "img":
            return None
        portal = JIRA_PORTAL.match(value.strip())
        if portal and _on_site(value, host):
            return portal_path("/servicedesk/customer/" + portal.group(1))
        if _on_site(value, host) or not re.match(r"^(https?:|mailto:)", value.strip(), re.IGNORECASE):
            return None
        return value

    safe = nh3.clean(
        html or "",
        tags=RENDERED_TAGS,
        attributes=RENDERED_ATTRIBUTES,
        attribute_filter=checked,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
    safe = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", safe)  # an image whose address was dropped
    return mark_safe(safe)  # noqa: S308 (sanitised by nh3 just above, every address checked)


def _on_site(value: str, host: str) -> bool:
    """A relative address, or one on the Jira site's own host."""
    value = value.strip()
    if value.startswith("/") and not value.startswith("//"):
        return True
    match = re.match(r"^(?:https?:)?//([^/:?#]+)", value, re.IGNORECASE)
    return bool(match and host and match.group(1).lower() == host)
