"""My requests as in JSM: the customer's own requests, shared with them or their organizations, awaiting their
approval; filtered by status, whose, organization, help desk and request type; one Jira call per page.

Reads are in selectors.py (the JQL names the customer: the service account is an agent, so JSM's own
`requestOwnership` cannot be used).
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal import access, jsm, selectors
from portal.pages import portal_page
from portal.provisioning import customer_account_find
from portal.views_requests import no_store, signed_in
from tenants import services

OWNERSHIP_LABELS = {
    "all": _("All my requests"),
    "reporter": _("Created by me"),
    "participant": _("Where I'm a participant"),
    "organization": _("Shared with my organizations"),
    "approval": _("Awaiting my approval"),
}


@require_GET
@portal_page
def request_list(request, *, tenant_slug):
    """My requests as in JSM: the customer's own, shared with them or their organizations, awaiting their
    approval; filtered by status, whose, organization, help desk and request type; one Jira call per page.

    A returning customer who has not opened a desk through the gateway yet is found in Jira by their verified
    email first (`customer_account_find`: never created here). A tenant with no Jira connection says so."""
    tenant, customer, redirect_to_sign_in = signed_in(request)
    if redirect_to_sign_in:
        return redirect_to_sign_in
    desks = access.desks_for(customer=customer, tenant=tenant)
    context = {"tenant": tenant, "customer": customer, "desks": desks, "ownership_labels": OWNERSHIP_LABELS}
    try:
        client = jsm.client_for(tenant=tenant)
    except services.NoJiraConnection:
        context["no_connection"] = True
        return no_store(render(request, "portal/requests.html", context))
    customer_account_find(customer=customer, client=client)
    context.update(_list_filters(request, tenant=tenant, customer=customer, desks=desks))
    chosen_type = context["request_type"]
    page = selectors.customer_requests_search(
        client=client,
        customer=customer,
        desks=[context["chosen"]] if context["chosen"] else desks,
        text=context["text"],
        state=context["state"],
        ownership=context["ownership"],
        organizations=context["searched_orgs"],
        request_type=chosen_type.name if chosen_type else "",
        page_token=request.GET.get("page", ""),
    )
    by_key = {d.project_key: d for d in desks}
    query = {k: v for k, v in context["query_values"].items() if v}
    context.update(
        rows=[(issue, by_key.get(issue.project_key)) for issue in page.issues],
        first_page=bool(request.GET.get("page")),
        query=urlencode(query),
        next_page=urlencode({**query, "page": page.next_page_token}) if page.next_page_token else "",
        filtered=any(v for k, v in query.items() if k != "state") or context["state"] != "open",
    )
    return no_store(render(request, "portal/requests.html", context))


def _list_filters(request, *, tenant, customer, desks) -> dict:
    """The filters of My requests, read from the query string; anything unknown falls back to its default."""
    get = request.GET
    chosen = next((d for d in desks if d.jira_id == get.get("desk", "")), None)
    organizations = jsm.customer_organization_names(tenant=tenant, customer=customer)
    organization = next((o for o in organizations if o == get.get("organization", "")), "")
    ownership = get.get("ownership", "all") if get.get("ownership") in OWNERSHIP_LABELS else "all"
    if organization:
        ownership = "organization"
    only = desks[0] if len(desks) == 1 else None  # one desk: its request types can be filtered at once
    catalogue = access.catalogue_for(customer=customer, desk=chosen or only) if chosen or only else None
    request_type = catalogue.request_type(get.get("type", "")) if catalogue else None
    text = get.get("q", "").strip()[:100]
    state = get.get("state", "open") if get.get("state") in selectors.STATES else "open"
    values = {
        "desk": chosen.jira_id if chosen else "",
        "type": request_type.id if request_type else "",
        "ownership": "" if ownership == "all" or organization else ownership,
        "organization": organization,
        "q": text,
        "state": state,
    }
    return {
        "chosen": chosen,
        "catalogue": catalogue,
        "request_type": request_type,
        "organizations": organizations,
        "organization": organization,
        "searched_orgs": (organization,) if organization else organizations,
        "ownership": ownership,
        "text": text,
        "state": state,
        "query_values": values,
    }
