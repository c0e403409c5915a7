"""The admin's Test button: the whole native path against a built-in test service provider.

`test_start` makes the AuthnRequest a service provider would (the test SP's entity id and ACS are the
gateway's own `test_acs` URL) and runs it through `views.proceed`: the customer's session or the tenant's
sign-in, then the signed assertion posted by the browser. `test_acs` is that SP: it checks the response
as Atlassian would (signature with a published certificate, Destination, Recipient, Audience, times) and
shows the assertion. Both are for staff who may change the tenant; test assertions are logged as tests.
"""

import datetime as dt

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from lxml import etree

from native.errors import NativeError, NativeUnavailable
from native.idp import idp_urls
from native.keys import idp_keys_published
from native.pending import Pending
from native.views import proceed
from providers.pages import sign_in_page
from sso_gateway import saml
from sso_gateway.saml import SamlInputError, q, text_of
from tenants.links import absolute
from tenants.models import Tenant


class TestNotAllowed(NativeError):
    status = 403
    reason = "test_forbidden"
    title = _("You may not test this tenant's single sign-on")
    advice = _("Sign in to the admin as an administrator of this tenant and start the test from its page.")


def _check_staff(request, tenant: Tenant) -> None:
    user = getattr(request, "user", None)
    model_admin = admin.site._registry.get(Tenant)
    allowed = (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and model_admin is not None
        and model_admin.has_change_permission(request, tenant)
    )
    if not allowed:
        raise TestNotAllowed("the SAML IdP test is for staff who may change this tenant.")


def test_acs_url(tenant: Tenant) -> str:
    return absolute(reverse("native:test_acs", kwargs={"tenant_slug": tenant.slug}))


@require_GET
@sign_in_page
def test_start(request, *, tenant_slug):
    tenant = request.tenant
    _check_staff(request, tenant)
    if not tenant.native_mode:
        raise NativeUnavailable("switch the tenant's portal mode to Atlassian portal (or both) first.")
    acs = test_acs_url(tenant)
    pending = Pending(
        tenant_id=tenant.pk,
        request_id=saml.new_id(),
        sp_entity_id=acs,
        acs_url=acs,
        relay_state="test <relay> & state",
        force_authn=False,
        test=True,
    )
    return proceed(request, pending=pending)


@csrf_exempt  # the gateway's own auto-submitting form posts here, as it would to Atlassian
@require_POST
@sign_in_page
def test_acs(request, *, tenant_slug):
    tenant = request.tenant
    _check_staff(request, tenant)
    checks, response_xml, assertion = _check(tenant, request.POST.get("SAMLResponse", ""))
    context = {
        "tenant": tenant,
        "checks": checks,
        "ok": all(passed for _, passed in checks),
        "assertion": assertion,
        "relay_state": request.POST.get("RelayState"),
        "xml": response_xml,
        "urls": idp_urls(tenant=tenant),
    }
    response = render(request, "native/test_result.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _check(tenant: Tenant, message: str) -> tuple[list[tuple[str, bool]], str, dict | None]:
    """What Atlassian checks, each as (check, passed); the pretty XML; the assertion's values when it verified."""
    acs = test_acs_url(tenant)
    try:
        root = saml.parse(saml.decode_post(message))
    except SamlInputError as exc:
        return [(f"Readable SAMLResponse ({exc})", False)], "", None
    pretty = etree.tostring(root, pretty_print=True).decode()
    status = root.find(f"{q('samlp', 'Status')}/{q('samlp', 'StatusCode')}")
    checks = [("Status is Success", status is not None and status.get("Value") == saml.STATUS_SUCCESS)]
    checks.append(("Response Destination is the ACS URL", root.get("Destination") == acs))
    certificates = [key.certificate for key in idp_keys_published(tenant=tenant)]
    found = root.find(q("saml", "Assertion"))
    if found is None:
        return [*checks, ("The response carries an assertion", False)], pretty, None
    try:
        signed = saml.verify(found, certificates)
    except SamlInputError:
        return [*checks, ("Assertion signed with a published certificate", False)], pretty, None
    checks.append(("Assertion signed with a published certificate", True))
    try:
        values = _read(signed)
    except (AttributeError, SamlInputError):  # signed by us, yet not the shape we make: say so, never a 500
        return [*checks, ("The assertion has a Subject, NameID and SubjectConfirmationData", False)], pretty, None
    now = timezone.now()
    checks += [
        ("Issuer is the IdP entity id", values["issuer"] == idp_urls(tenant=tenant).entity_id),
        ("Audience is the SP entity id", values["audience"] == acs),
        ("Recipient is the ACS URL", values["recipient"] == acs),
        ("NotOnOrAfter is in the future", values["not_on_or_after"] > now),
        ("NotOnOrAfter is at most 10 minutes away", values["not_on_or_after"] < now + dt.timedelta(minutes=10)),
        ("NameID is an email address", values["name_id_format"] == saml.NAMEID_EMAIL and "@" in values["name_id"]),
    ]
    return checks, pretty, values


def _read(signed) -> dict:
    subject = signed.find(q("saml", "Subject"))
    name_id = subject.find(q("saml", "NameID"))
    data = subject.find(f"{q('saml', 'SubjectConfirmation')}/{q('saml', 'SubjectConfirmationData')}")
    attributes = [
        (attribute.get("Name"), [text_of(value) for value in attribute.findall(q("saml", "AttributeValue"))])
        for attribute in signed.iter(q("saml", "Attribute"))
    ]
    return {
        "issuer": text_of(signed.find(q("saml", "Issuer"))),
        "name_id": text_of(name_id),
        "name_id_format": name_id.get("Format"),
        "recipient": data.get("Recipient"),
        "in_response_to": data.get("InResponseTo"),
        "not_on_or_after": saml.parse_instant(data.get("NotOnOrAfter")),
        "audience": text_of(signed.find(f".//{q('saml', 'Audience')}")),
        "attributes": attributes,
    }
