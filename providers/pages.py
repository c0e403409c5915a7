"""The sign-in's pages: tenant-scoped (`tenants.pages.tenant_page`), with the identity side's own failures
turned into sign-in errors before `sso_gateway.pages` renders them."""

from functools import wraps

from providers.errors import ProviderMisbehaved
from tenants.crypto import SecretUnreadable
from tenants.pages import tenant_page


def sign_in_page(view=None, *, active_only: bool = True):
    def decorate(view):
        @wraps(view)
        def translated(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except SecretUnreadable as exc:
                # The client secret cannot be decrypted (GATEWAY_ENCRYPTION_KEYS changed): an operator's
                # problem, shown to the customer as a provider that cannot be used right now.
                raise ProviderMisbehaved("the client secret cannot be decrypted.", reason="secret_unreadable") from exc

        return tenant_page(translated, active_only=active_only)

    return decorate if view is None else decorate(view)
