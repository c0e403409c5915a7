"""The tenant's SAML identity provider as Atlassian sees it: its entity id, SSO URL and metadata.

The entity id is the metadata URL (a common convention: the id then says where the metadata is). Both
bindings Atlassian may use for the AuthnRequest are served at one SSO URL: HTTP-Redirect (a GET, what
Atlassian sends) and HTTP-POST (SAML Bindings §3.4 and §3.5). The metadata lists the current signing
certificate, and the next one while a rotation is under way (native/keys.py), so Atlassian can be
switched over without an outage.
"""

from dataclasses import dataclass

from django.urls import reverse
from lxml import etree

from native.keys import idp_keys_published
from sso_gateway import saml
from sso_gateway.saml import q
from tenants.links import absolute
from tenants.models import Tenant


@dataclass(frozen=True)
class IdpUrls:
    entity_id: str
    sso_url: str
    metadata_url: str


def idp_urls(*, tenant: Tenant) -> IdpUrls:
    metadata = absolute(reverse("native:metadata", kwargs={"tenant_slug": tenant.slug}))
    sso = absolute(reverse("native:sso", kwargs={"tenant_slug": tenant.slug}))
    return IdpUrls(entity_id=metadata, sso_url=sso, metadata_url=metadata)


def metadata_xml(*, tenant: Tenant) -> bytes:
    """The EntityDescriptor (SAML Metadata §2.3.2, §2.4.3) of the tenant's identity provider."""
    urls = idp_urls(tenant=tenant)
    nsmap = {"md": saml.NS["md"], "ds": saml.NS["ds"]}
    root = etree.Element(q("md", "EntityDescriptor"), nsmap=nsmap, entityID=urls.entity_id)
    descriptor = etree.SubElement(
        root,
        q("md", "IDPSSODescriptor"),
        protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol",
        WantAuthnRequestsSigned="false",
    )
    for key in idp_keys_published(tenant=tenant):
        key_descriptor = etree.SubElement(descriptor, q("md", "KeyDescriptor"), use="signing")
        x509_data = etree.SubElement(etree.SubElement(key_descriptor, q("ds", "KeyInfo")), q("ds", "X509Data"))
        etree.SubElement(x509_data, q("ds", "X509Certificate")).text = saml.certificate_body(key.certificate)
    etree.SubElement(descriptor, q("md", "NameIDFormat")).text = saml.NAMEID_EMAIL
    for binding in (saml.BINDING_REDIRECT, saml.BINDING_POST):
        etree.SubElement(descriptor, q("md", "SingleSignOnService"), Binding=binding, Location=urls.sso_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
