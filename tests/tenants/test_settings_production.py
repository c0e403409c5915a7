"""The production profile (DEBUG=false): clean `check --deploy`, and refusals that name what is wrong.

Settings are read once per process, so each case runs manage.py in a subprocess
with exactly the environment an operator would set.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]
# Everything that could leak in from the developer's or CI's environment and change the profile.
_STRIPPED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_", "SECURE_", "GATEWAY_", "DATABASE_URL", "REDIS_URL")


def production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_STRIPPED)}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        GATEWAY_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="sso.example.com",
        GATEWAY_BASE_URL="https://sso.example.com",
        GATEWAY_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    return env


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
