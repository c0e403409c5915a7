"""The OASIS SAML 2.0 schemas (tests/data/saml-schemas), loaded once, offline."""

from functools import cache
from pathlib import Path

import xmlschema

HERE = Path(__file__).resolve().parent.parent / "data" / "saml-schemas"
LOCATIONS = [
    ("http://www.w3.org/2000/09/xmldsig#", str(HERE / "xmldsig-core-schema.xsd")),
    ("http://www.w3.org/2001/04/xmlenc#", str(HERE / "xenc-schema.xsd")),
    ("http://www.w3.org/XML/1998/namespace", str(HERE / "xml.xsd")),
    ("urn:oasis:names:tc:SAML:2.0:assertion", str(HERE / "saml-schema-assertion-2.0.xsd")),
]


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    """`metadata` or `protocol`: only local files are read (allow="local")."""
    return xmlschema.XMLSchema(
        str(HERE / f"saml-schema-{name}-2.0.xsd"), locations=LOCATIONS, allow="local", defuse="never"
    )
