"""What the demo identity provider puts in ID tokens and userinfo (OIDC Core 5.1 standard claims).

django-oauth-toolkit calls `get_additional_claims` for both; `oidc_claim_scope` releases each claim
only under its scope (OIDC Core 5.4), with `groups` under `profile` as Okta and Keycloak do.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator

from demo.customers import demo_customer_for
from demo.services import demo_callbacks


class DemoValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        """The registered callback, or that of any tenant's provider an admin pointed at the demo with its client
        id: a tenant of your own signs in here without registering at the demo (README, "start from nothing")."""
        if super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs):
            return True
        return redirect_uri in demo_callbacks(client_id=client_id)

    def get_additional_claims(self, request):
        user = request.user
        customer = demo_customer_for(user)
        return {
            "email": user.email,
            "email_verified": True,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "preferred_username": user.username,
            "groups": list(customer.groups) if customer else [],
        }
