"""The production profile (DEBUG=false): clean `check --deploy`, and refusals that name what is wrong.

Settings are read once per process, so each case runs manage.py in a subprocess
with exactly the environment an operator would set.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]
# Everything that could leak in from the developer's or CI's environment and change the profile.
_STRIPPED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_", "SECURE_", "GATEWAY_", "DATABASE_URL", "REDIS_URL")


WEB_UNIT = REPO / "deploy" / "systemd" / "jsm-sso-gateway-web.service"


def shipped_unit_environment() -> dict:
    """The gateway's settings the shipped web unit sets (`Environment=NAME=value` lines)."""
    lines = WEB_UNIT.read_text().splitlines()
    pairs = [line.removeprefix("Environment=").split("=", 1) for line in lines if line.startswith("Environment=")]
    return {name: value for name, value in pairs if name.startswith("GATEWAY_")}


def production_env(tmp_path) -> dict:
    """What an operator runs: the shipped web unit's environment plus the env file's secrets (.env.example)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_STRIPPED)}
    env.update(shipped_unit_environment())
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        GATEWAY_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="sso.example.com",
        GATEWAY_BASE_URL="https://sso.example.com",
        GATEWAY_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        GATEWAY_METRICS_TOKEN=METRICS_TOKEN,
    )
    return env


METRICS_TOKEN = secrets.token_urlsafe(32)


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_clean_under_the_production_profile(tmp_path):
    done = check_deploy(production_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_does_fail_on_a_weakened_setting(tmp_path):
    """The control for the clean pass: the same check, with HSTS switched off, fails on a warning."""
    done = check_deploy({**production_env(tmp_path), "SECURE_HSTS_SECONDS": "0"})
    assert done.returncode != 0
    assert "security.W004" in done.stdout + done.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "GATEWAY_ENCRYPTION_KEYS", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_setting(missing, tmp_path):
    env = production_env(tmp_path)
    del env[missing]

    done = check_deploy(env)

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert f"needs {missing} in the environment" in done.stderr


def test_production_names_every_missing_setting_at_once(tmp_path):
    env = production_env(tmp_path)
    for name in ("SECRET_KEY", "GATEWAY_ENCRYPTION_KEYS", "ALLOWED_HOSTS"):
        del env[name]
    done = check_deploy(env)
    assert done.returncode != 0
    assert "needs SECRET_KEY, GATEWAY_ENCRYPTION_KEYS, ALLOWED_HOSTS in the environment" in done.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "SECRET_KEY must be a random value"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be a random value"),
        ({"GATEWAY_DEMO": "true"}, "GATEWAY_DEMO and GATEWAY_ALLOW_INSECURE_HTTP cannot be on in production"),
        ({"GATEWAY_ALLOW_INSECURE_HTTP": "true"}, "cannot be on in production"),
        ({"GATEWAY_BASE_URL": "http://sso.example.com"}, "GATEWAY_BASE_URL must be the gateway's public https://"),
        ({"GATEWAY_ENCRYPTION_KEYS": "not-a-fernet-key"}, "GATEWAY_ENCRYPTION_KEYS must be Fernet keys"),
    ],
    ids=["insecure-secret-key", "short-secret-key", "demo", "insecure-http", "http-base-url", "bad-fernet-key"],
)
def test_production_refuses_unsafe_settings(override, message, tmp_path):
    done = check_deploy({**production_env(tmp_path), **override})
    assert done.returncode != 0
    assert message in done.stderr


# --- Behind the shipped same-host proxy (gunicorn on 127.0.0.1, nginx in front): REMOTE_ADDR is always 127.0.0.1.


@pytest.mark.parametrize(
    "override",
    [{}, {"GATEWAY_BEHIND_PROXY": "true"}, {"GATEWAY_CLIENT_IP_HEADER": "  "}],
    ids=["unset", "said-behind-a-proxy", "blank-header"],
)
def test_production_behind_a_proxy_refuses_to_start_without_the_client_ip_header(override, tmp_path):
    env = production_env(tmp_path)
    env.pop("GATEWAY_CLIENT_IP_HEADER", None)
    done = check_deploy({**env, **override})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "set GATEWAY_CLIENT_IP_HEADER to the header" in done.stderr
    assert "or GATEWAY_BEHIND_PROXY=false" in done.stderr


def test_production_without_a_proxy_is_an_explicit_choice(tmp_path):
    env = production_env(tmp_path)
    env.pop("GATEWAY_CLIENT_IP_HEADER", None)
    done = check_deploy({**env, "GATEWAY_BEHIND_PROXY": "false"})
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"GATEWAY_METRICS_TOKEN": ""}, "needs GATEWAY_METRICS_TOKEN (a bearer token Prometheus sends) or"),
        ({"GATEWAY_METRICS_TOKEN": "guessable"}, "GATEWAY_METRICS_TOKEN must be a random value of at least 32"),
        ({"GATEWAY_METRICS_ALLOW": "10.0.0.0/8,prometheus"}, "GATEWAY_METRICS_ALLOW must be IP addresses or"),
        ({"GATEWAY_TRUSTED_PROXIES": "nginx"}, "GATEWAY_TRUSTED_PROXIES must be IP addresses or networks"),
        ({"GATEWAY_BEHIND_PROXY": "false"}, "GATEWAY_CLIENT_IP_HEADER is set but GATEWAY_BEHIND_PROXY=false"),
    ],
    ids=["metrics-open", "metrics-weak-token", "metrics-bad-network", "bad-trusted-proxy", "header-without-proxy"],
)
def test_production_refuses_an_unprotected_or_unreadable_network_setting(override, message, tmp_path):
    done = check_deploy({**production_env(tmp_path), **override})
    assert done.returncode != 0
    assert message in done.stderr


# Each scenario runs in the production profile, in its own process, as nginx on the same host would send the
# requests: from 127.0.0.1, with X-Real-IP and X-Forwarded-Proto set by the proxy. It prints one JSON line.
SCENARIO_SETUP = """
import json
from django.test import Client

def proxied(client_ip=None, **extra):
    headers = {"HTTP_HOST": "sso.example.com", "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1"}
    if client_ip:
        headers["HTTP_X_REAL_IP"] = client_ip
    return {**headers, **extra}
"""

SCENARIOS = {
    "metrics": """
client = Client()
result = {
    "direct": client.get("/metrics", **proxied()).status_code,
    "via_proxy_from_loopback": client.get("/metrics", **proxied("127.0.0.1")).status_code,
    "internet": client.get("/metrics", **proxied("203.0.113.50")).status_code,
    "with_token": client.get("/metrics", **proxied("203.0.113.50", HTTP_AUTHORIZATION="Bearer " + TOKEN)).status_code,
    "allowed_network": client.get("/metrics", **proxied("10.20.0.5")).status_code,
}
""",
    "sign-in": """
from types import SimpleNamespace
from providers.oidc import discovery, limits
from tests.factories import IdentityProviderFactory, TenantFactory

limits.time = SimpleNamespace(time=lambda: 1_800_000_000.0)  # one rate window for the whole scenario

idp = IdentityProviderFactory(tenant=TenantFactory(slug="acme"), slug="sso")
meta = discovery.Metadata(issuer="https://idp.example", authorization_endpoint="https://idp.example/authorize",
                          token_endpoint="https://idp.example/token", jwks_uri="https://idp.example/jwks")
discovery._metadata_shared = lambda url: meta
start = idp.login_path()
crowd = [Client().get(start, **proxied(f"198.51.{n // 250}.{n % 250 + 1}")).status_code for n in range(61)]
one = [Client().get(start, **proxied("203.0.113.7")).status_code for _ in range(61)]
result = {"crowd": sorted(set(crowd)), "one_client_last": one[-1]}
""",
    "lockout": """
from tests.factories import UserFactory

UserFactory(username="ops", is_staff=True, is_superuser=True, password="the-operators-password-1")
attacker = Client()
for _ in range(5):
    attacker.post("/admin/login/", {"username": "ops", "password": "guess"}, **proxied("203.0.113.66"))
right = {"username": "ops", "password": "the-operators-password-1"}
result = {
    "operator": Client().post("/admin/login/", right, **proxied("198.51.100.20")).status_code,
    "attacker_with_the_right_password": attacker.post("/admin/login/", right, **proxied("203.0.113.66")).status_code,
}
""",
}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Path:
    """One migrated database and collected static files, as after `migrate` and `collectstatic` (both take
    seconds); each scenario works on a copy of the database."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    for command in (["migrate"], ["collectstatic", "--no-input"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    return tmp_path


def run_scenario(name: str, tmp_path, deployed: Path, **settings) -> dict:
    shutil.copy(deployed / "prod.sqlite3", tmp_path / "prod.sqlite3")
    code = f"TOKEN = {METRICS_TOKEN!r}\n{SCENARIO_SETUP}\n{SCENARIOS[name]}\nprint(json.dumps(result))"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO,
        env={**production_env(tmp_path), "GATEWAY_VAR_DIR": str(deployed / "var"), **settings},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_metrics_behind_the_shipped_proxy_need_the_token_even_from_loopback(tmp_path, deployed):
    result = run_scenario("metrics", tmp_path, deployed)
    assert result == {
        "direct": 403, "via_proxy_from_loopback": 403, "internet": 403, "with_token": 200, "allowed_network": 403
    }  # fmt: skip


def test_metrics_behind_the_shipped_proxy_with_an_allow_list_only_serve_that_network(tmp_path, deployed):
    """No token: REMOTE_ADDR 127.0.0.1 (every request through the proxy) is not a reason to serve anyone."""
    result = run_scenario("metrics", tmp_path, deployed, GATEWAY_METRICS_TOKEN="", GATEWAY_METRICS_ALLOW="10.20.0.0/24")
    assert result == {
        "direct": 403, "via_proxy_from_loopback": 403, "internet": 403, "with_token": 403, "allowed_network": 200
    }  # fmt: skip


def test_61_clients_behind_the_shipped_proxy_are_not_rate_limited_as_one(tmp_path, deployed):
    result = run_scenario("sign-in", tmp_path, deployed)
    assert result["crowd"] == [302], "61 different clients, each starting one sign-in, must all get through"
    assert result["one_client_last"] == 429, "the per-client limit (60/m) still holds for one client"


def test_failed_admin_logins_from_another_client_do_not_lock_the_operator_out(tmp_path, deployed):
    result = run_scenario("lockout", tmp_path, deployed)
    assert result == {"operator": 302, "attacker_with_the_right_password": 429}
