"""What the demo identity provider puts in ID tokens and userinfo (OIDC Core 5.1 standard claims).

django-oauth-toolkit calls `get_additional_claims` for both; `oidc_claim_scope` releases each claim
only under its scope (OIDC Core 5.4), with `groups` under `profile` as Okta and Keycloak do.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator

from demo.customers import demo_customer_for


class DemoValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

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
