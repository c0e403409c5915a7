"""The request page's later actions: stop sharing with a participant, add files (with a comment), preview an image.

Each runs only for the signed-in customer's own request (`own_request`: anything else is a 404) and redirects back
to the request page with a message (post/redirect/get). Jira refusing (400) shows Jira's own message, and what the
customer typed is kept as the comment draft.
"""

import logging

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import selectors, services_requests
from portal.errors import RequestNotFound
from portal.forms import AttachmentField
from portal.pages import portal_page
from portal.views_requests import back_to_request, draft_key, no_store, own_request
from tenants.jira import errors as jira_errors

logger = logging.getLogger(__name__)

#: Images a browser may show inline from the gateway's origin: raster formats only (an SVG could carry script),
#: recognised by their first bytes, whatever the file name or Jira's MIME type say.
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


@require_POST
@portal_page
@own_request
def participant_remove(request, tenant, customer, client, view):
    participants = selectors.request_participants(client=client, found=view.request)
    try:
        name = services_requests.request_participant_remove(
            client=client,
            request=view.request,
            customer=customer,
            account_id=request.POST.get("account", "")[:128],
            participants=participants,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    except jira_errors.JiraRequestRejected as exc:
        messages.error(request, _("The help desk did not remove them: %(reason)s") % {"reason": exc.message})
    else:
        messages.success(request, _("%(name)s will no longer see this request.") % {"name": name} if name != "You" else
                         _("You are no longer on this request."))  # fmt: skip
        if name == "You":
            return _back_to_list(tenant)
    return back_to_request(tenant, view.request.issue_key)


def _back_to_list(tenant):
    return redirect("portal:requests", tenant_slug=tenant.slug)


@require_POST
@portal_page
@own_request
def files_add(request, tenant, customer, client, view):
    """Files with an optional comment; the comment is kept as the draft when anything fails."""
    comment = request.POST.get("body", "")
    try:
        files = AttachmentField(required=True).clean(request.FILES.getlist("files"))
        services_requests.request_files_add(
            client=client, desk=view.desk, request=view.request, customer=customer, files=files, comment=comment
        )
    except (forms.ValidationError, ValueError, jira_errors.JiraRequestRejected, jira_errors.JiraTransientError) as exc:
        return _files_refused(request, tenant, view, comment, exc)
    added = _("Your files were added.") if not comment.strip() else _("Your comment and files were added.")
    messages.success(request, added)
    return back_to_request(tenant, view.request.issue_key)


def _files_refused(request, tenant, view, comment, exc):
    if isinstance(exc, forms.ValidationError):
        message = " ".join(exc.messages)
    elif isinstance(exc, ValueError):
        message = str(exc)
    elif isinstance(exc, jira_errors.JiraRequestRejected):
        message = _("The help desk did not accept the files: %(reason)s") % {"reason": exc.message}
    else:
        message = _("The help desk is not answering right now; nothing was added. Choose the files again in a minute.")
    request.session[draft_key(tenant, view.request.issue_key)] = comment[:32767]
    messages.error(request, message)
    return back_to_request(tenant, view.request.issue_key)


@require_GET
@portal_page
@own_request
def preview(request, tenant, customer, client, view, *, attachment_id):
    """An image the request page lists, shown inline (PNG, JPEG, GIF by their first bytes; anything else is a
    404: it is offered as a download only). The same ownership and visibility checks as the download."""
    public = list(client.comments(view.request.issue_key, public_only=True))
    visible = selectors.attachments_visible(client=client, found=view.request, public=public)
    if not any(a.id == attachment_id for a in visible):
        raise RequestNotFound(f"no attachment {attachment_id[:20]!r} on {view.request.issue_key}.")
    content, _ = client.request_attachment_content(view.request.issue_key, attachment_id)
    kind = next((mime for magic, mime in IMAGE_MAGIC.items() if content.startswith(magic)), None)
    if kind is None:
        raise RequestNotFound(f"attachment {attachment_id[:20]!r} is not an image that can be previewed.")
    response = HttpResponse(content, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return no_store(response)
