"""The floor: the cheapest Django views that do what the gateway's sign-in start and callback do at HTTP level.

`floor_start` only redirects to the identity provider (a fixed authorization request, PKCE included, so
the provider accepts it); `floor_callback` only redirects home. They run through the same middleware
and gunicorn settings as the gateway, so a ratio against them isolates the gateway's own work.
"""

import base64
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect

_VERIFIER = "bench-floor-verifier-" + "x" * 40
_CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(_VERIFIER.encode()).digest()).rstrip(b"=").decode()


def floor_start(request):
    params = {
        "response_type": "code",
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "redirect_uri": f"{settings.GATEWAY_BASE_URL}/bench/floor/callback/",
        "scope": "openid email profile",
        "state": "bench-floor-state-0000000000",
        "nonce": "bench-floor-nonce",
        "code_challenge": _CHALLENGE,
        "code_challenge_method": "S256",
    }
    return HttpResponseRedirect(f"{settings.OIDC_OP_AUTHORIZATION_ENDPOINT}?{urlencode(params)}")


def floor_callback(request):
    return HttpResponseRedirect("/")
