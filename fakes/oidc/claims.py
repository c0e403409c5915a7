"""What the fake provider says about itself (discovery) and about the person who signs in (claims).

Two shapes: a generic OpenID Provider, and Salesforce as it publishes itself at
https://login.salesforce.com/.well-known/openid-configuration (issuer = the host, keys at /id/keys,
endpoints under /services/oauth2/, `sub` = the identity URL https://<host>/id/<orgId>/<userId>).
"""

import secrets
import string

GENERIC_PATHS = {
    "authorize": "/authorize",
    "token": "/token",
    "userinfo": "/userinfo",
    "jwks": "/jwks",
    "logout": "/logout",
}
SALESFORCE_PATHS = {
    "authorize": "/services/oauth2/authorize",
    "token": "/services/oauth2/token",
    "userinfo": "/services/oauth2/userinfo",
    "jwks": "/id/keys",
    "logout": "/services/auth/idp/oidc/logout",
}
DISCOVERY_PATH = "/.well-known/openid-configuration"

SALESFORCE_CLAIMS_SUPPORTED = [
    "active", "address", "email", "email_verified", "family_name", "given_name", "is_app_installed",
    "language", "locale", "name", "nickname", "organization_id", "phone_number", "phone_number_verified",
    "photos", "picture", "preferred_username", "profile", "sub", "updated_at", "urls", "user_id",
    "user_type", "zoneinfo",
]  # fmt: skip


def generic_user(*, issuer: str) -> dict:
    """A plain customer: an opaque `sub`, a verified email and names."""
    return {
        "sub": f"user-{secrets.token_hex(8)}",
        "email": "ada@example.com",
        "email_verified": True,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "name": "Ada Lovelace",
    }


def salesforce_id(prefix: str) -> str:
    """An 18-character Salesforce record id with the object's key prefix (00D org, 005 user)."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(15))


def salesforce_user(*, issuer: str) -> dict:
    """Salesforce's userinfo answer (services/oauth2/userinfo), `sub` being the identity URL."""
    org_id, user_id = salesforce_id("00D"), salesforce_id("005")
    return {
        "sub": f"{issuer}/id/{org_id}/{user_id}",
        "user_id": user_id,
        "organization_id": org_id,
        "preferred_username": "ada@acme.example",
        "nickname": "ada",
        "name": "Ada Lovelace",
        "email": "ada@acme.example",
        "email_verified": True,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "zoneinfo": "Europe/London",
        "photos": {
            "picture": f"{issuer}/profilephoto/005/F",
            "thumbnail": f"{issuer}/profilephoto/005/T",
        },
        "profile": f"{issuer}/{user_id}",
        "picture": f"{issuer}/profilephoto/005/F",
        "address": {"country": "GB"},
        "is_salesforce_integration_user": False,
        "urls": {
            "enterprise": f"{issuer}/services/Soap/c/{{version}}/{org_id}",
            "rest": f"{issuer}/services/data/v{{version}}/",
            "profile": f"{issuer}/{user_id}",
        },
        "active": True,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_GB",
        "utcOffset": 0,
        "updated_at": "2026-01-05T10:00:00Z",
    }


# Which of the person's claims also travel in the ID token (the rest only in userinfo).
ID_TOKEN_PROFILE_CLAIMS = ("email", "email_verified", "given_name", "family_name", "name", "preferred_username")


def discovery_document(*, issuer: str, base_url: str, paths: dict, algs: list[str], salesforce: bool) -> dict:
    """The `.well-known/openid-configuration` (OpenID Connect Discovery 1.0, section 3)."""
    document = {
        "issuer": issuer,
        "authorization_endpoint": base_url + paths["authorize"],
        "token_endpoint": base_url + paths["token"],
        "userinfo_endpoint": base_url + paths["userinfo"],
        "jwks_uri": base_url + paths["jwks"],
        "end_session_endpoint": base_url + paths["logout"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algs,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }
    if salesforce:
        document.update(
            {
                "revocation_endpoint": base_url + "/services/oauth2/revoke",
                "introspection_endpoint": base_url + "/services/oauth2/introspect",
                "registration_endpoint": base_url + "/services/oauth2/register",
                "response_types_supported": ["code", "token", "token id_token"],
                "scopes_supported": ["id", "api", "web", "full", "openid", "email", "profile", "address",
                                     "phone", "refresh_token", "offline_access", "custom_permissions"],
                "display_values_supported": ["page", "popup", "touch"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic",
                                                          "private_key_jwt"],
                "claims_supported": SALESFORCE_CLAIMS_SUPPORTED,
            }
        )  # fmt: skip
    else:
        document.update(
            {
                "scopes_supported": ["openid", "email", "profile"],
                "grant_types_supported": ["authorization_code"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified",
                                     "given_name", "family_name", "name"],
            }
        )  # fmt: skip
    return document
