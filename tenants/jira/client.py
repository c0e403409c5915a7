"""The one Jira client (the only code that speaks HTTP to Jira): typed calls over `transport.Transport`.

Paths and shapes follow ../shared/specs/*.openapi.json: the platform API for /myself, /mypermissions and
/user/search, the JSM API (/rest/servicedeskapi) for service desks, customers, organizations, request
types, requests and comments. Paging, timeouts, retries and errors live in transport.py.
"""

from collections.abc import Iterator
from urllib.parse import quote

from tenants.jira import errors
from tenants.jira.transport import INTERACTIVE, RetryPolicy, Transport, fetch_cloud_id, scoped_base_url
from tenants.jira.types import (
    Comment,
    CustomerRequest,
    JiraUser,
    Organization,
    RequestType,
    RequestTypeField,
    RequestTypeGroup,
    ServiceDesk,
)

__all__ = ["INTERACTIVE", "JiraClient", "RetryPolicy", "fetch_cloud_id", "scoped_base_url"]

JSM = "/rest/servicedeskapi"
EXPERIMENTAL = {"X-ExperimentalApi": "opt-in"}


class JiraClient(Transport):
    """Methods return types from `types.py` and raise types from `errors.py`."""

    # -- platform: who am I, may I administer, find a user
    def myself(self) -> JiraUser:
        return JiraUser.from_api(self.get("/rest/api/3/myself"))

    def has_permission(self, key: str) -> bool:
        data = self.get("/rest/api/3/mypermissions", permissions=key)
        return bool(((data.get("permissions") or {}).get(key) or {}).get("havePermission"))

    def user_search(self, query: str, *, page_size: int = 50, max_results: int = 1000) -> Iterator[JiraUser]:
        """/rest/api/3/user/search matches prefixes of names and emails; pages by startAt/maxResults."""
        start = 0
        while start < max_results:
            users = self.get("/rest/api/3/user/search", query=query, startAt=start, maxResults=page_size)
            yield from (JiraUser.from_api(u) for u in users)
            if len(users) == 0:
                return
            start += len(users)

    def user_find_by_email(self, email: str) -> JiraUser | None:
        """Exact, case-insensitive: `a@x.com` must not match `a@x.com.au` (search is by prefix)."""
        wanted = email.strip().lower()
        return next((u for u in self.user_search(wanted) if u.email.lower() == wanted), None)

    # -- JSM: service desks, customers, organizations
    def service_desks(self) -> Iterator[ServiceDesk]:
        return (ServiceDesk.from_api(d) for d in self.paged(f"{JSM}/servicedesk"))

    def service_desk(self, service_desk_id: str) -> ServiceDesk:
        return ServiceDesk.from_api(self.get(f"{JSM}/servicedesk/{quote(service_desk_id)}"))

    def customer_create(self, *, email: str, display_name: str) -> JiraUser:
        """POST /customer; an existing email is `JiraCustomerExists` (409 with strictConflictStatusCode)."""
        try:
            response = self.request(
                "POST",
                f"{JSM}/customer",
                params={"strictConflictStatusCode": "true"},
                json={"email": email, "displayName": display_name or email},
            )
        except errors.JiraRequestRejected as exc:
            if exc.status == 409 or (exc.status == 400 and "exist" in exc.message.lower()):
                raise errors.JiraCustomerExists(exc.message, status=exc.status) from None
            raise
        return JiraUser.from_api(response.json())

    def service_desk_customers_add(self, service_desk_id: str, account_ids: list[str]) -> None:
        self.request("POST", f"{JSM}/servicedesk/{quote(service_desk_id)}/customer", json={"accountIds": account_ids})

    def service_desk_customers(self, service_desk_id: str) -> Iterator[JiraUser]:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/customer"
        return (JiraUser.from_api(u) for u in self.paged(path, headers=EXPERIMENTAL))

    def organizations(self) -> Iterator[Organization]:
        return (Organization.from_api(o) for o in self.paged(f"{JSM}/organization"))

    def organization_create(self, name: str) -> Organization:
        return Organization.from_api(self.request("POST", f"{JSM}/organization", json={"name": name}).json())

    def organization_users_add(self, organization_id: str, account_ids: list[str]) -> None:
        self.request("POST", f"{JSM}/organization/{quote(organization_id)}/user", json={"accountIds": account_ids})

    def organization_users_remove(self, organization_id: str, account_ids: list[str]) -> None:
        self.request("DELETE", f"{JSM}/organization/{quote(organization_id)}/user", json={"accountIds": account_ids})

    def service_desk_organization_add(self, service_desk_id: str, organization_id: str) -> None:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/organization"
        self.request("POST", path, json={"organizationId": int(organization_id)})

    # -- JSM: what the hosted portal needs
    def request_type_groups(self, service_desk_id: str) -> Iterator[RequestTypeGroup]:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/requesttypegroup"
        return (RequestTypeGroup.from_api(g) for g in self.paged(path))

    def request_types(self, service_desk_id: str) -> Iterator[RequestType]:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/requesttype"
        return (RequestType.from_api(t) for t in self.paged(path))

    def request_type_fields(self, service_desk_id: str, request_type_id: str) -> list[RequestTypeField]:
        path = f"{JSM}/servicedesk/{quote(service_desk_id)}/requesttype/{quote(request_type_id)}/field"
        return [RequestTypeField.from_api(f) for f in self.get(path).get("requestTypeFields", [])]

    def request_create(
        self, *, service_desk_id: str, request_type_id: str, field_values: dict, on_behalf_of: str
    ) -> CustomerRequest:
        body = {
            "serviceDeskId": service_desk_id,
            "requestTypeId": request_type_id,
            "requestFieldValues": field_values,
            "raiseOnBehalfOf": on_behalf_of,
        }
        return CustomerRequest.from_api(self.request("POST", f"{JSM}/request", json=body).json())

    def requests(self, *, service_desk_id: str | None = None, ownership: str = "ALL_REQUESTS") -> Iterator:
        params = {"requestOwnership": ownership}
        if service_desk_id:
            params["serviceDeskId"] = service_desk_id
        return (CustomerRequest.from_api(r) for r in self.paged(f"{JSM}/request", **params))

    def customer_request(self, issue_key: str) -> CustomerRequest:
        return CustomerRequest.from_api(self.get(f"{JSM}/request/{quote(issue_key)}"))

    def comments(self, issue_key: str, *, public_only: bool = True) -> Iterator[Comment]:
        params = {"public": "true", "internal": "false"} if public_only else {}
        return (Comment.from_api(c) for c in self.paged(f"{JSM}/request/{quote(issue_key)}/comment", **params))

    def comment_create(self, issue_key: str, *, body: str, public: bool = True) -> Comment:
        response = self.request(
            "POST", f"{JSM}/request/{quote(issue_key)}/comment", json={"body": body, "public": public}
        )
        return Comment.from_api(response.json())
