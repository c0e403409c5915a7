"""Writes the portal makes in Jira for a customer: raise a request, comment, add a participant, transition.

All go through the service account's token (Jira Cloud lets no third party act as the customer), so:
requests are raised with `raiseOnBehalfOf` = the customer's account id (never as the service
account: a customer not provisioned yet gets the `NotProvisioned` page); comments carry a first line naming
the customer (`*Name* (via the help center):`), which agents read in Jira and the portal turns back
into "written by the customer" (portal/selectors.py). The caller has already checked the request is
this customer's (selectors.request_for_customer).
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import sharing
from portal.errors import NotProvisioned
from portal.forms import RequestForm
from providers.models import Customer
from tenants.jira import errors
from tenants.jira.client import JiraClient
from tenants.jira.types import CustomerRequest
from tenants.models import ServiceDesk

COMMENT_MAX = 32767
#: The attribution line a customer's comment is posted with (`*Name* (via the help center):`) stays English on
#: purpose, whatever the customer's language: agents read it in Jira, and `selectors.ATTRIBUTION` reads it back.
SHARE_REFUSED = gettext_lazy(
    "This request can be shared only with other customers of this help desk who may see it (check the addresses), "
    "a few at a time."
)


def customer_name(customer: Customer) -> str:
    full = f"{customer.first_name} {customer.last_name}".strip()
    return (customer.display_name or full or customer.email).replace("*", "").replace("\n", " ")[:200]


def request_raise(
    *, client: JiraClient, desk: ServiceDesk, customer: Customer, request_type_id: str, form: RequestForm
):
    """Resolve user pickers and "share with" to customers, upload the files (attachTemporaryFile), then create
    the request on behalf of the customer in one call carrying everything: the temporary files as
    `requestFieldValues.attachment` and the participants as `requestParticipants` (JSM API, POST /request). A
    file Jira refuses stops before anything is created, and a refused create leaves no request behind, so
    sending again never makes a duplicate.

    Jira refusing a value (its own validation disagrees with ours) becomes a form error, what was
    typed is kept; Jira down propagates and becomes the error page.
    """
    if not customer.jira_account_id:
        raise NotProvisioned(f"customer {customer.pk} has no Jira account yet.")
    values = form.field_values()
    values.update(_users(client=client, desk=desk, form=form))
    participants = _participants(client=client, desk=desk, customer=customer, form=form)
    if form.errors:
        return None
    try:
        temporary_ids = _upload(client=client, desk=desk, form=form)
        if temporary_ids:
            values[next(n for n, k in form.kinds.items() if k == "attachment")] = temporary_ids
        return client.request_create(
            service_desk_id=desk.jira_id,
            request_type_id=request_type_id,
            field_values=values,
            on_behalf_of=customer.jira_account_id,
            participants=participants,
        )
    except errors.JiraRequestRejected as exc:
        refused = _("The help desk did not accept the request: %(reason)s") % {"reason": exc.message}
        form.add_error(None, forms.ValidationError(refused))
        return None


def _users(*, client: JiraClient, desk: ServiceDesk, form: RequestForm) -> dict:
    """User-picker fields: each address must be a customer of the desk (`sharing.desk_customer`)."""
    values = {}
    for name, emails in form.emails("user", "users").items():
        wanted = [emails] if isinstance(emails, str) else emails
        found = {email: sharing.desk_customer(client=client, desk=desk, email=email) for email in wanted}
        missing = [email for email, user in found.items() if user is None]
        if missing:
            form.add_error(name, _("No customer of this help desk has the address %(email)s.") % {"email": missing[0]})
            continue
        ids = [{"accountId": user.account_id} for user in found.values()]
        values[name] = ids if form.kinds[name] == "users" else ids[0]
    return values


def _participants(*, client: JiraClient, desk: ServiceDesk, customer: Customer, form: RequestForm) -> list[str]:
    """ "Share with" at creation: the same rules and the same one message as sharing later (portal.sharing)."""
    account_ids = []
    for name, emails in form.emails("participants").items():
        try:
            for email in emails:
                sharing.share_throttle(customer=customer)
                user = sharing.share_target(client=client, desk=desk, customer=customer, email=email)
                account_ids.append(user.account_id)
        except sharing.ShareRefused:
            form.add_error(name, SHARE_REFUSED)
    return list(dict.fromkeys(account_ids))


def _upload(*, client: JiraClient, desk: ServiceDesk, form: RequestForm) -> list[str]:
    """attachTemporaryFile per file; Jira refusing one (its own size limit: 413) is a form error."""
    temporary_ids = []
    for upload in form.attachments():
        upload.seek(0)
        made = client.attach_temporary_file(
            desk.jira_id, filename=upload.name, content=upload.read(), content_type=upload.content_type or ""
        )
        temporary_ids += [t.id for t in made]
    return temporary_ids


def request_comment_add(*, client: JiraClient, request: CustomerRequest, customer: Customer, body: str) -> None:
    text = (body or "").strip()
    if not text:
        raise ValueError(_("Write something before sending."))
    if len(text) > COMMENT_MAX:
        raise ValueError(_("A comment may be at most %(max)d characters long.") % {"max": COMMENT_MAX})
    client.comment_create(request.issue_key, body=f"*{customer_name(customer)}* (via the help center):\n\n{text}")


def request_participant_add(
    *, client: JiraClient, desk: ServiceDesk, request: CustomerRequest, customer: Customer, email: str
) -> str:
    """Share the request with a customer the desk's sharing setting allows (portal.sharing), found by exact
    email; returns their display name. Every refusal, Jira's own included, is `ShareRefused`."""
    sharing.share_throttle(customer=customer)
    if "addParticipant" not in request.actions:
        raise sharing.ShareRefused(f"JSM does not offer addParticipant on {request.issue_key}.")
    user = sharing.share_target(client=client, desk=desk, customer=customer, email=email)
    on_it = {request.reporter_account_id, *request.participant_ids}
    if not request.participants_complete:
        on_it |= {u.account_id for u in client.request_participants(request.issue_key)}
    if user.account_id in on_it:
        raise sharing.ShareRefused(f"{user.account_id} is already on {request.issue_key}.")
    try:
        client.request_participants_add(request.issue_key, [user.account_id])
    except errors.JiraRequestRejected as exc:
        raise sharing.ShareRefused(f"Jira refused the participant: {exc.message}") from exc
    return user.display_name or user.email


def request_transition(
    *, client: JiraClient, request: CustomerRequest, customer: Customer, transition_id: str, comment: str = ""
) -> str:
    """Perform a customer transition offered by JSM (GET .../transition); returns its name."""
    offered = {t.id: t.name for t in client.customer_transitions(request.issue_key)}
    if transition_id not in offered:
        raise ValueError(_("This action is no longer available for the request."))
    text = comment.strip()[:COMMENT_MAX]
    if text:
        text = f"*{customer_name(customer)}* (via the help center):\n\n{text}"
    client.customer_transition(request.issue_key, transition_id=transition_id, comment=text)
    return offered[transition_id]


def request_participant_remove(
    *, client: JiraClient, request: CustomerRequest, customer: Customer, account_id: str, participants: list
) -> str:
    """Stop sharing: the reporter removes any participant, a participant removes themselves (as in JSM's portal),
    when JSM offers `removeParticipant`. Returns the removed participant's name; `ValueError` says why not."""
    names = dict(participants)
    if account_id not in names:
        raise ValueError(_("This person is no longer on the request."))
    mine = customer.jira_account_id
    if mine != request.reporter_account_id and account_id != mine:
        raise ValueError(_("Only the person who raised the request can remove others from it."))
    if "removeParticipant" not in request.actions:
        raise ValueError(_("The help desk does not let participants be removed from this request."))
    client.request_participants_remove(request.issue_key, [account_id])
    return "You" if account_id == mine else (names[account_id] or _("The participant"))


def request_files_add(
    *, client: JiraClient, desk: ServiceDesk, request: CustomerRequest, customer: Customer, files: list, comment: str
) -> None:
    """Files added later, with an optional comment: uploaded (attachTemporaryFile), then attached publicly in one
    call with the comment (POST request/{key}/attachment, `additionalComment`), which carries the customer's
    attribution line like every comment the gateway posts."""
    if "addAttachment" not in request.actions and request.actions:
        raise ValueError(_("The help desk does not accept files on this request any more."))
    text = (comment or "").strip()[:COMMENT_MAX]
    temporary_ids = []
    for upload in files:
        upload.seek(0)
        made = client.attach_temporary_file(
            desk.jira_id, filename=upload.name, content=upload.read(), content_type=upload.content_type or ""
        )
        temporary_ids += [t.id for t in made]
    body = f"*{customer_name(customer)}* (via the help center):\n\n{text}"
    client.request_attach(request.issue_key, temporary_ids=temporary_ids, public=True, comment=body)
