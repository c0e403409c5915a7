"""A tenant's uploaded logo: checked before it is kept, served so that it can only ever be a picture.

The admin uploads a PNG, JPEG, GIF, WebP, ICO or SVG of at most `MAX_BYTES`. The type is read from the
bytes (the file name and the browser's content type are not believed). An SVG is parsed without DTDs or
entities and refused when it could act rather than draw: a `script` or `foreignObject` element, an `on…`
event attribute, a `javascript:` or external reference, CSS that imports or fetches. The view serves the
stored bytes with their checked type, `nosniff` and a sandboxing CSP, so even a file that slipped past would
run nothing when opened directly. The logo doubles as the tenant's favicon.
"""

import hashlib
import re

from django.core.exceptions import ValidationError
from lxml import etree

MAX_BYTES = 256 * 1024
RASTER_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
]
SVG_NS = "http://www.w3.org/2000/svg"
_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_CSS_FETCH = re.compile(r"@import|url\s*\((?!\s*['\"]?#)|expression\s*\(", re.IGNORECASE)
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def logo_content_type(data: bytes) -> str:
    """The logo's content type, read from its bytes; ValidationError saying what is wrong otherwise."""
    if not data:
        raise ValidationError("The logo file is empty.")
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The logo is {len(data) // 1024} KB; at most {MAX_BYTES // 1024} KB is accepted.")
    for signature, content_type in RASTER_SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if b"<svg" in data[:2048].lower():
        _svg_check(data)
        return "image/svg+xml"
    raise ValidationError("The logo must be a PNG, JPEG, GIF, WebP, ICO or SVG image.")


def _svg_check(data: bytes) -> None:
    if b"<!doctype" in data[:4096].lower() or b"<!entity" in data.lower():
        raise ValidationError("The SVG logo declares a DTD or entities; save it without them.")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValidationError("The SVG logo is not well-formed XML.") from exc
    if etree.QName(root).localname != "svg":
        raise ValidationError("The logo is not an SVG image.")
    for element in root.iter():
        if isinstance(element, etree._ProcessingInstruction | etree._Entity):
            raise ValidationError("The SVG logo carries processing instructions or entities.")
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname.lower()
        if name in _FORBIDDEN_ELEMENTS:
            raise ValidationError(f"The SVG logo contains a <{name}> element; a logo may only draw.")
        if name == "style" and _CSS_FETCH.search(element.text or ""):
            raise ValidationError("The SVG logo's CSS imports or fetches something; a logo may only draw.")
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on"):
                raise ValidationError(f"The SVG logo has an event handler ({local}); a logo may only draw.")
            if local == "href" and not value.strip().startswith(("#", "data:image/png", "data:image/jpeg")):
                raise ValidationError("The SVG logo links outside itself; embed or remove the reference.")
            if local == "style" and _CSS_FETCH.search(value):
                raise ValidationError("The SVG logo's CSS imports or fetches something; a logo may only draw.")


def logo_version(data: bytes) -> str:
    """A short hash of the logo: part of its URL, so a new logo is a new URL and the old one may be cached."""
    return hashlib.sha256(data).hexdigest()[:16]
