"""Settings of the benchmark: the gateway's own settings, plus the floor and the peer (bench/urls.py).

The environment is the production one (PostgreSQL, Redis for cache, sessions and broker), with two
differences the loopback fakes need: plain http:// for the identity provider and Jira (they are on
127.0.0.1), hence the development profile's switch, and DEBUG forced off afterwards so that Django
neither records every query nor renders debug pages, as in production.
"""

import os

from sso_gateway.settings import *  # noqa: F403
from sso_gateway.settings import LOGGING

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# The peer: stock mozilla-django-oidc, configured with global OIDC_* settings at the same fake provider.
_IDP = os.environ.get("BENCH_IDP_URL", "http://127.0.0.1:9")
OIDC_RP_CLIENT_ID = os.environ.get("BENCH_IDP_CLIENT_ID", "gateway-client")
OIDC_RP_CLIENT_SECRET = os.environ.get("BENCH_IDP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{_IDP}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{_IDP}/token"
OIDC_OP_USER_ENDPOINT = f"{_IDP}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{_IDP}/jwks"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True  # the gateway always uses PKCE; the peer does the same work
# BENCH_PEER_SESSIONS=db measures the peer with database sessions (the "about 0.1x" figure).
if os.environ.get("BENCH_PEER_SESSIONS") == "db":
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")
