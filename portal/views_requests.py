"""The customer's request pages: create, My requests, one request and its actions.

Thin: reads are in selectors.py (which also decides ownership: 404 for anything not the customer's),
writes in services_requests.py, cached metadata in jsm.py. Every form posts with Django's CSRF
token; every action redirects back to the request page (post/redirect/get) with a message.
"""

import logging
from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import access, jsm, selectors, services_requests, sharing
from portal.errors import RequestNotFound, RequestTypeNotFound
from portal.forms import RequestForm, upload_limits
from portal.pages import portal_page
from portal.provisioning import customer_account_find
from portal.services import customer_provision
from portal.views import desk_get
from providers.oidc.views import sign_in_redirect
from providers.sessions import customer_get
from tenants import services
from tenants.jira import errors as jira_errors

HIDDEN_FIELDS = {"summary", "attachment"}
logger = logging.getLogger(__name__)


def signed_in(request):
    """(tenant, customer, None) or (tenant, None, a redirect into sign-in that comes back here)."""
    tenant = request.tenant
    customer = customer_get(request, tenant=tenant)
    if customer is None:
        return tenant, None, sign_in_redirect(request, tenant=tenant, next_path=request.path)
    return tenant, customer, None


def no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@portal_page
def create(request, *, tenant_slug, desk_id, request_type_id):
    tenant, customer, redirect_to_sign_in = signed_in(request)
    if redirect_to_sign_in:
        return redirect_to_sign_in
    desk = desk_get(tenant=tenant, desk_id=desk_id)
    access.desk_check(customer=customer, desk=desk)
    request_type = access.catalogue_for(customer=customer, desk=desk).request_type(request_type_id)
    if request_type is None:  # unknown, in no group, or restricted to others: the same 404
        raise RequestTypeNotFound(f"no request type {request_type_id[:20]!r} at desk {desk.jira_id}.")
    metadata = jsm.request_type_fields(tenant=tenant, desk=desk, request_type_id=request_type.id)
    provisioning = customer_provision(customer=customer, service_desk=desk)
    form = RequestForm(
        metadata,
        request.POST or None,
        request.FILES or None,
        organizations=jsm.customer_organization_list(tenant=tenant, customer=customer) if provisioning.ready else (),
        share=desk.sharing != desk.Sharing.OFF,
    )
    if request.method == "POST" and provisioning.ready and form.is_valid() and not form.blocked:
        created = _raise_keeping_input(
            tenant=tenant, desk=desk, customer=customer, request_type=request_type, form=form
        )
        if created is not None:
            sent = _("Your request %(key)s was sent to %(desk)s.")
            messages.success(request, sent % {"key": created.issue_key, "desk": desk.project_name})
            return redirect("portal:request", tenant_slug=tenant.slug, issue_key=created.issue_key)
    context = {
        "tenant": tenant,
        "customer": customer,
        "desk": desk,
        "request_type": request_type,
        "form": form,
        "provisioning": provisioning,
        "upload": _upload_context(),
    }
    status = (503 if getattr(form, "jira_down", False) else 400) if request.method == "POST" else 200
    return no_store(render(request, "portal/create.html", context, status=status))


def _upload_context() -> dict:
    max_bytes, max_files, types = upload_limits()
    return {"max_bytes": max_bytes, "max_files": max_files, "types": ", ".join(sorted(types))}


def _raise_keeping_input(*, tenant, desk, customer, request_type, form):
    """Jira down or rate-limiting at submit: the form comes back with everything typed and a message,
    rather than an error page that would lose it (PRODUCT.md: nothing a customer did is lost)."""
    try:
        return services_requests.request_raise(
            client=jsm.client_for(tenant=tenant),
            desk=desk,
            customer=customer,
            request_type_id=request_type.id,
            form=form,
        )
    except jira_errors.JiraTransientError:
        form.jira_down = True
        form.add_error(None, _("The help desk is not answering right now, so your request was not sent yet. "
                               "Everything you typed is still here: wait a minute and press Send again."))  # fmt: skip
        return None


def own_request(view_func):
    """Runs `view_func(request, tenant, customer, client, view, **kwargs)` only for the signed-in customer's own
    request in this tenant (anything else is a 404, raised by `selectors.request_for_customer`); an anonymous
    visitor is sent into sign-in, coming back here."""

    @wraps(view_func)
    def wrapper(request, *, tenant_slug, issue_key, **kwargs):
        tenant, customer, redirect_to_sign_in = signed_in(request)
        if redirect_to_sign_in:
            return redirect_to_sign_in
        client = jsm.client_for(tenant=tenant)
        customer_account_find(customer=customer, client=client)  # an email link opened before any desk was
        view = selectors.request_for_customer(client=client, tenant=tenant, customer=customer, issue_key=issue_key)
        return view_func(request, tenant, customer, client, view, **kwargs)

    return wrapper


@require_GET
@portal_page
@own_request
def request_detail(request, tenant, customer, client, view):
    """One request: three Jira calls (request with participants/attachments, public comments with their files,
    transitions), more only for a request with more files or participants than one page holds."""
    connection = services.jira_connection_of(tenant=tenant)
    email = connection.email
    comments = selectors.public_comments(client=client, issue_key=view.request.issue_key, service_account_email=email)
    participants = selectors.request_participants(client=client, found=view.request)
    public = [shown.comment for shown in comments]
    files = selectors.comment_files(client=client, issue_key=view.request.issue_key, public=public)
    context = {
        "tenant": tenant,
        "customer": customer,
        "desk": view.desk,
        "item": view.request,
        "fields": [v for v in view.request.field_values if v.get("fieldId") not in HIDDEN_FIELDS],
        "comments": comments,
        "attachments": selectors.attachments_visible(client=client, found=view.request, public=public, files=files),
        "comment_files": files,
        "transitions": client.customer_transitions(view.request.issue_key) if view.party else [],
        "party": view.party,
        "participants": participants,
        "jira_host": urlsplit(connection.site_url or "").hostname or "",
        "can_remove_participant": "removeParticipant" in view.request.actions,
        "is_reporter": view.request.reporter_account_id == customer.jira_account_id,
        "history": selectors.status_history(client=client, found=view.request),
        "approvals": selectors.approvals(client=client, found=view.request),
        "can_add_files": "addAttachment" in view.request.actions or not view.request.actions,
        "upload": _upload_context(),
        "can_add_participant": view.party
        and "addParticipant" in view.request.actions
        and view.desk.sharing != view.desk.Sharing.OFF,
        "can_comment": "addComment" in view.request.actions or not view.request.actions,
        "draft": request.session.pop(draft_key(tenant, view.request.issue_key), ""),
    }
    return no_store(render(request, "portal/request.html", context))


def draft_key(tenant, issue_key: str) -> str:
    return f"gw.draft.{tenant.pk}.{issue_key}"


def back_to_request(tenant, issue_key):
    return redirect(reverse("portal:request", kwargs={"tenant_slug": tenant.slug, "issue_key": issue_key}))


@require_POST
@portal_page
@own_request
def comment(request, tenant, customer, client, view):
    try:
        services_requests.request_comment_add(
            client=client, request=view.request, customer=customer, body=request.POST.get("body", "")
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    except jira_errors.JiraRequestRejected as exc:  # Jira's own refusal (400): its message, the draft kept
        request.session[draft_key(tenant, view.request.issue_key)] = request.POST.get("body", "")[:32767]
        refused = _("The help desk did not accept the comment: %(reason)s It is kept below.")
        messages.error(request, refused % {"reason": exc.message})
    except jira_errors.JiraTransientError:
        request.session[draft_key(tenant, view.request.issue_key)] = request.POST.get("body", "")[:32767]
        messages.error(request, _("The help desk is not answering right now; your comment was not sent. It is kept "
                                  "below: send it again in a minute."))  # fmt: skip
    else:
        messages.success(request, _("Your comment was added."))
    return back_to_request(tenant, view.request.issue_key)


SHARE_REFUSED = gettext_lazy(
    "This request was not shared. You can share it with other customers of this help desk who are not on it "
    "yet (check the address), a few at a time."
)


@require_POST
@portal_page
@own_request
def participant(request, tenant, customer, client, view):
    """Share: one answer for every refusal (portal.sharing), so the form tells no one which addresses exist."""
    email = request.POST.get("email", "").strip()[:254]
    if not view.party:
        logger.info("Share of %s by customer %s refused: not on the request.", view.request.issue_key, customer.pk)
        messages.error(request, SHARE_REFUSED)
        return back_to_request(tenant, view.request.issue_key)
    try:
        name = services_requests.request_participant_add(
            client=client, desk=view.desk, request=view.request, customer=customer, email=email
        )
    except sharing.ShareRefused as exc:
        logger.info("Share of %s by customer %s refused: %s", view.request.issue_key, customer.pk, exc)
        messages.error(request, SHARE_REFUSED)
    else:
        messages.success(request, _("%(name)s can now see and follow this request.") % {"name": name})
    return back_to_request(tenant, view.request.issue_key)


@require_POST
@portal_page
@own_request
def transition(request, tenant, customer, client, view):
    if not view.party:
        messages.error(request, _("Only the people on this request can change its status."))
        return back_to_request(tenant, view.request.issue_key)
    try:
        name = services_requests.request_transition(
            client=client,
            request=view.request,
            customer=customer,
            transition_id=request.POST.get("transition", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    except jira_errors.JiraRequestRejected as exc:
        request.session[draft_key(tenant, view.request.issue_key)] = request.POST.get("comment", "")[:32767]
        refused = _("The help desk did not make this change: %(reason)s Your note is kept below.")
        messages.error(request, refused % {"reason": exc.message})
    else:
        messages.success(request, _("You chose “%(name)s”. The request’s status is updated below.") % {"name": name})
    return back_to_request(tenant, view.request.issue_key)


@require_GET
@portal_page
@own_request
def attachment(request, tenant, customer, client, view, *, attachment_id):
    """A request's file, fetched with the service account's token once ownership is checked; never inline.
    Only a file the request page lists (selectors.attachments_visible): any other id is the same 404."""
    public = list(client.comments(view.request.issue_key, public_only=True))
    visible = selectors.attachments_visible(client=client, found=view.request, public=public)
    listed = next((a for a in visible if a.id == attachment_id), None)
    if listed is None:
        raise RequestNotFound(f"no attachment {attachment_id[:20]!r} on {view.request.issue_key}.")
    content, _ = client.request_attachment_content(view.request.issue_key, attachment_id)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, listed.filename[:200] or "attachment")
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)
