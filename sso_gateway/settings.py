"""Settings, read from the environment with django-environ (see `.env.example`).

With nothing set this is the embedded default for a first run: DEBUG on, SQLite in `var/`,
no broker (Celery tasks run in-process), keys generated once into `var/`. Setting
`DEBUG=false` selects the production profile, which refuses to start without a real
`SECRET_KEY`, `GATEWAY_ENCRYPTION_KEYS` and `ALLOWED_HOSTS`, without saying how client addresses
are found (`GATEWAY_CLIENT_IP_HEADER` behind a proxy, or `GATEWAY_BEHIND_PROXY=false`) and without
protecting /metrics (`GATEWAY_METRICS_TOKEN` or `GATEWAY_METRICS_ALLOW`), and turns on every
`manage.py check --deploy` protection.
"""

import ipaddress
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from sso_gateway import devkeys, netconf

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("GATEWAY_VAR_DIR", default=str(BASE_DIR / "var")))

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
PRODUCTION = not DEBUG

# --- Secrets: real ones are required in production; development generates its own once.
if PRODUCTION:
    missing = [
        name for name in ("SECRET_KEY", "GATEWAY_ENCRYPTION_KEYS", "ALLOWED_HOSTS") if not env.str(name, default="")
    ]
    if missing:
        raise ImproperlyConfigured(
            "The production profile (DEBUG=false) needs "
            + ", ".join(missing)
            + " in the environment; see .env.example."
        )
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
    GATEWAY_ENCRYPTION_KEYS = env.list("GATEWAY_ENCRYPTION_KEYS")
    try:
        [Fernet(key.encode()) for key in GATEWAY_ENCRYPTION_KEYS]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "GATEWAY_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each), newest first."
        ) from exc
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or devkeys.load_or_create(VAR_DIR, "secret-key", devkeys.django_key)
    GATEWAY_ENCRYPTION_KEYS = env.list("GATEWAY_ENCRYPTION_KEYS", default=[]) or [
        devkeys.load_or_create(VAR_DIR, "encryption-key", devkeys.fernet_key)
    ]

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- The gateway's own options.
GATEWAY_BASE_URL = env.str("GATEWAY_BASE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not GATEWAY_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("GATEWAY_BASE_URL must be the gateway's public https:// URL in production.")
# The only switch that lets an identity provider or Jira URL use plain http:// (tests, the demo).
GATEWAY_ALLOW_INSECURE_HTTP = env.bool("GATEWAY_ALLOW_INSECURE_HTTP", default=False)
GATEWAY_DEMO = env.bool("GATEWAY_DEMO", default=False)
if PRODUCTION and (GATEWAY_DEMO or GATEWAY_ALLOW_INSECURE_HTTP):
    raise ImproperlyConfigured("GATEWAY_DEMO and GATEWAY_ALLOW_INSECURE_HTTP cannot be on in production.")
# Host names and CIDRs inside the gateway's own network that identity provider and Jira URLs may still lead
# to (e.g. an on-premises provider at 10.0.0.5); everything else private, loopback, link-local or reserved is
# refused (sso_gateway/destinations.py).
GATEWAY_OUTBOUND_ALLOW = [entry.strip() for entry in env.list("GATEWAY_OUTBOUND_ALLOW", default=[]) if entry.strip()]
for _entry in GATEWAY_OUTBOUND_ALLOW:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:  # then a host name, with a letter in it (10.0.0.300 is a mistyped address)
        if not re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?", _entry):
            raise ImproperlyConfigured(
                f"GATEWAY_OUTBOUND_ALLOW: {_entry[:100]!r} is neither a host name nor an address or CIDR."
            ) from None
# The only hosts an attachment's download may be redirected to by Jira (its media store); the demo's fake
# Jira serves its own media on 127.0.0.1.
GATEWAY_JIRA_MEDIA_HOSTS = [
    host.lower()
    for host in env.list(
        "GATEWAY_JIRA_MEDIA_HOSTS", default=["api.media.atlassian.com", *(["127.0.0.1"] if GATEWAY_DEMO else [])]
    )
]
# Timeouts (seconds) for every call to an identity provider or Jira: (connect, read).
GATEWAY_HTTP_TIMEOUT = (
    env.float("GATEWAY_HTTP_CONNECT_TIMEOUT", default=5.0),
    env.float("GATEWAY_HTTP_READ_TIMEOUT", default=15.0),
)
# How long discovery documents and JWKS stay in the cache.
GATEWAY_OIDC_METADATA_TTL = env.int("GATEWAY_OIDC_METADATA_TTL", default=3600)
# How long each process keeps the tenant, its identity providers, desks and discovery documents it read
# (sso_gateway/localcache.py). Edits are seen by every process at its next request through the configuration
# generation in Redis; this lifetime bounds staleness only while Redis is down. 0 turns the cache off.
GATEWAY_CONFIG_CACHE_SECONDS = env.float("GATEWAY_CONFIG_CACHE_SECONDS", default=5.0)
# Portal uploads: the largest file (keep it at or under Jira's attachment limit), files per request, extensions.
GATEWAY_UPLOAD_MAX_BYTES = env.int("GATEWAY_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
GATEWAY_UPLOAD_MAX_FILES = env.int("GATEWAY_UPLOAD_MAX_FILES", default=5)
GATEWAY_UPLOAD_ALLOWED_TYPES = env.str(
    "GATEWAY_UPLOAD_ALLOWED_TYPES",
    default="png jpg jpeg gif webp bmp pdf txt log csv json xml md doc docx xls xlsx ppt pptx odt ods odp rtf zip eml",
)
# Atlassian's API gateway, where service accounts' scoped tokens work (/ex/jira/<cloudId>/...).
GATEWAY_ATLASSIAN_API_URL = env.str("GATEWAY_ATLASSIAN_API_URL", default="https://api.atlassian.com").rstrip("/")
# How long Jira request types and field metadata stay in the cache.
GATEWAY_JIRA_METADATA_TTL = env.int("GATEWAY_JIRA_METADATA_TTL", default=300)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Before django_celery_beat: its periodic task form's inline script is overridden here with the CSP nonce.
    "sso_gateway.apps.GatewayConfig",
    "django_celery_beat",
    "tenants",
    "providers",
    "configuration",
    "portal",
    "native",
]

MIDDLEWARE = [
    "sso_gateway.requestcontext.RequestContextMiddleware",
    "sso_gateway.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads a body (the CSRF check parses every POST): a body over the upload cap is a 413.
    "sso_gateway.bodylimit.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sso_gateway.localcache.GenerationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sso_gateway.urls"
WSGI_APPLICATION = "sso_gateway.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sso_gateway.csp.nonce",
            ],
        },
    },
]

# --- Database: SQLite by default, anything django-environ understands through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'gateway.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis for Celery, cache and sessions when REDIS_URL is set; in-process otherwise.
REDIS_URL = env.str("REDIS_URL", default="")


def _redis_broker_database(url: str) -> str:
    """`url` with another Redis database: the one after its own, or for database 15 (the last of Redis's default
    16) the one before. The broker's queues never share a database with the cache, so a cache flush (Django's
    cache.clear() is FLUSHDB) cannot delete queued tasks. CELERY_BROKER_URL, when set, wins."""
    if not url:
        return ""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    in_query = "db" in query or parts.scheme == "unix"  # a socket's path is a file: its database is ?db=
    number = query.get("db", "0") if in_query else parts.path.strip("/") or "0"
    if not number.isdigit():
        raise ImproperlyConfigured(
            "REDIS_URL's Redis database cannot be read, so the Celery broker's (the next one) cannot be worked "
            "out: set CELERY_BROKER_URL to the broker's own database."
        )
    broker = int(number) + 1 if int(number) < 15 else int(number) - 1
    if in_query:
        return url.split("?", 1)[0] + "?" + urlencode({**query, "db": broker})
    return urlunsplit(parts._replace(path=f"/{broker}"))


CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or _redis_broker_database(REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues work must not hang on a dead broker: a short connect timeout and few publish retries
# (sso_gateway/queueing.py then tells the admin, or leaves the work for the resume task).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# Minutes between two scheduled syncs of every tenant's service desks (editable later in the admin).
GATEWAY_SYNC_INTERVAL_MINUTES = env.int("GATEWAY_SYNC_INTERVAL_MINUTES", default=30)
# A running sync older than this is treated as abandoned (its lock is released).
GATEWAY_SYNC_LOCK_MINUTES = env.int("GATEWAY_SYNC_LOCK_MINUTES", default=15)
# The largest answer the gateway reads from Jira (JSON pages, attachments), in bytes.
GATEWAY_JIRA_MAX_RESPONSE_BYTES = env.int("GATEWAY_JIRA_MAX_RESPONSE_BYTES", default=25 * 1024 * 1024)
# Retries of a 429/503 from Jira inside one call (Atlassian suggests at most 4).
GATEWAY_JIRA_MAX_RETRIES = env.int("GATEWAY_JIRA_MAX_RETRIES", default=4)
# Provisioning retries by the worker: attempts, first delay and cap (seconds), optional dedicated queue.
GATEWAY_PROVISION_MAX_ATTEMPTS = env.int("GATEWAY_PROVISION_MAX_ATTEMPTS", default=10)
GATEWAY_PROVISION_RETRY_START = env.int("GATEWAY_PROVISION_RETRY_START", default=30)
GATEWAY_PROVISION_RETRY_CAP = env.int("GATEWAY_PROVISION_RETRY_CAP", default=1800)
GATEWAY_PROVISION_QUEUE = env.str("GATEWAY_PROVISION_QUEUE", default="") or None

if REDIS_URL:
    # A miss, not a 500, while Redis is down (sso_gateway/cache.py); sessions also live in the database
    # (one row per signed-in customer, none per anonymous visit; run `manage.py clearsessions` daily).
    CACHES = {
        "default": {
            "BACKEND": "sso_gateway.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Deployments (or test runs) sharing one Redis database keep apart by prefix.
            "KEY_PREFIX": env.str("GATEWAY_CACHE_KEY_PREFIX", default=""),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "sso_gateway.session_store"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Abuse: rate limits on sign-in starts and callbacks (providers/oidc/limits.py) and admin lockout (django-axes).
# All of them, /metrics' allow-list and the sign-in log key on sso_gateway/clientip.client_ip.
# The header your reverse proxy sets to the client's address (X-Real-IP, HTTP_X_FORWARDED_FOR, ...); believed only
# from GATEWAY_TRUSTED_PROXIES. Empty: REMOTE_ADDR is the client, which production accepts only with
# GATEWAY_BEHIND_PROXY=false: behind a proxy on the same host every client would be 127.0.0.1.
GATEWAY_CLIENT_IP_HEADER = netconf.meta_name(env.str("GATEWAY_CLIENT_IP_HEADER", default=""))
GATEWAY_TRUSTED_PROXIES = netconf.networks_setting(
    "GATEWAY_TRUSTED_PROXIES", env.list("GATEWAY_TRUSTED_PROXIES", default=list(netconf.PRIVATE_AND_LOOPBACK))
)
# Unset: production assumes the shipped deployment (gunicorn on 127.0.0.1 behind a proxy); development, no proxy.
GATEWAY_BEHIND_PROXY = env.bool("GATEWAY_BEHIND_PROXY", default=PRODUCTION or bool(GATEWAY_CLIENT_IP_HEADER))
if GATEWAY_BEHIND_PROXY and not GATEWAY_CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "Behind a reverse proxy every request comes from the proxy's address: set GATEWAY_CLIENT_IP_HEADER to the "
        "header it sets to the client's address (e.g. HTTP_X_REAL_IP), or GATEWAY_BEHIND_PROXY=false when clients "
        "connect to the gateway directly; see .env.example."
    )
if GATEWAY_CLIENT_IP_HEADER and not GATEWAY_BEHIND_PROXY:
    raise ImproperlyConfigured("GATEWAY_CLIENT_IP_HEADER is set but GATEWAY_BEHIND_PROXY=false: choose one.")
# Rates ("60/m", "1000/h", "10/5m"); empty switches that limit off. Checked at start (manage.py check).
GATEWAY_RATE_SIGNIN_PER_IP = env.str("GATEWAY_RATE_SIGNIN_PER_IP", default="60/m")
GATEWAY_RATE_SIGNIN_PER_TENANT = env.str("GATEWAY_RATE_SIGNIN_PER_TENANT", default="3000/m")
# Attempts per customer to share a request ("Share with"), counted like the sign-in limits.
GATEWAY_RATE_SHARE_PER_CUSTOMER = env.str("GATEWAY_RATE_SHARE_PER_CUSTOMER", default="10/m")
# /metrics (tenant and provider slugs, failure reasons): a bearer token, an allow-list of client networks, or both
# (then both must match). Production refuses to start with neither; the development profile, with neither, serves
# clients on this machine only.
GATEWAY_METRICS_TOKEN = env.str("GATEWAY_METRICS_TOKEN", default="")
GATEWAY_METRICS_ALLOW = netconf.networks_setting(
    "GATEWAY_METRICS_ALLOW",
    env.list("GATEWAY_METRICS_ALLOW", default=[] if PRODUCTION or GATEWAY_METRICS_TOKEN else list(netconf.LOOPBACK)),
)
if PRODUCTION and not (GATEWAY_METRICS_TOKEN or GATEWAY_METRICS_ALLOW):
    raise ImproperlyConfigured(
        "The production profile needs GATEWAY_METRICS_TOKEN (a bearer token Prometheus sends) or "
        "GATEWAY_METRICS_ALLOW (client networks allowed to scrape) to protect /metrics; see .env.example."
    )
if PRODUCTION and GATEWAY_METRICS_TOKEN and len(GATEWAY_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("GATEWAY_METRICS_TOKEN must be a random value of at least 32 characters.")
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("GATEWAY_ADMIN_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("GATEWAY_ADMIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "sso_gateway.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# --- Sessions (sso_gateway/session_lifetime.py). A customer's sign-in lasts this many seconds (then the portal sends
# them through their identity provider again); an admin's session ends when the browser closes, and on the server
# at the latest this long after it last changed (OWASP ASVS 3.3.2: at most 12 hours).
GATEWAY_CUSTOMER_SESSION_SECONDS = env.int("GATEWAY_CUSTOMER_SESSION_SECONDS", default=8 * 3600)
GATEWAY_ADMIN_SESSION_SECONDS = env.int("GATEWAY_ADMIN_SESSION_SECONDS", default=8 * 3600)
SESSION_COOKIE_AGE = GATEWAY_ADMIN_SESSION_SECONDS

# --- Request bodies. Every body is capped before it is read (sso_gateway/bodylimit.py) at
# GATEWAY_UPLOAD_MAX_FILES x GATEWAY_UPLOAD_MAX_BYTES (each with its part headers) + the form fields below.
# Form fields (not files) of one request: Django's default, far above the portal's longest form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
# Uploads larger than this go to a temporary file rather than memory while the request is handled.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440

# --- Security. Production turns on everything `check --deploy` looks for.
# Content-Security-Policy of every page (sso_gateway/csp.py): the gateway's own scripts and styles, and inline ones
# only with the request's nonce; images also from https: (tenant logos). GATEWAY_CSP_REPORT_URI: where browsers
# report violations (optional).
GATEWAY_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce'"],
    "style-src": ["'self'", "'nonce'"],
    "img-src": ["'self'", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}
if env.str("GATEWAY_CSP_REPORT_URI", default=""):
    GATEWAY_CSP["report-uri"] = [env.str("GATEWAY_CSP_REPORT_URI")]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    if GATEWAY_BEHIND_PROXY:
        # Only a proxy may say the request came over https; without one, a client could claim it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # /healthz is probed over plain HTTP from inside the host.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# JSON lines in production (one object per line, with request id and tenant); readable text locally.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "sso_gateway.logfilters.RedactSecretsFilter"},
        "context": {"()": "sso_gateway.requestcontext.RequestContextFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(tenant)s] %(message)s"},
        "json": {"()": "sso_gateway.logfilters.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context", "redact"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Demo (bin/run). Everything demo-only is off unless GATEWAY_DEMO is on; production refuses it (above).
if GATEWAY_DEMO:
    # The demo identity provider: django-oauth-toolkit as an OpenID Provider at /demo-idp/ (demo/urls.py).
    INSTALLED_APPS += ["oauth2_provider", "demo"]
    TEMPLATES[0]["OPTIONS"]["context_processors"].append("demo.context.demo")
    OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": devkeys.load_or_create(
            VAR_DIR, "demo-idp-signing-key.pem", devkeys.rsa_private_key_pem
        ),
        "OIDC_ISS_ENDPOINT": f"{GATEWAY_BASE_URL}/demo-idp",
        "OAUTH2_VALIDATOR_CLASS": "demo.oidc.DemoValidator",
        "SCOPES": {"openid": "OpenID Connect", "email": "Your email address", "profile": "Your name and groups"},
        "PKCE_REQUIRED": True,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    }
    # Gateway, Celery worker and beat share one SQLite file: wait for a lock rather than fail at once.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=30, transaction_mode="IMMEDIATE")
# A broker that needs no server (bin/run without REDIS_URL): kombu's filesystem transport in var/broker/.
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "queue").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
