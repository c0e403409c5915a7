"""The forms of an HTML page, as the fakes' plain-HTTP drivers (panva, saml_idp) fill them."""

from html.parser import HTMLParser


class Forms(HTMLParser):
    """After `feed(html)`, `forms` is a list of {"action": ..., "fields": {name: value}}, in page order."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
