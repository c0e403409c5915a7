"""Secrets at rest: MultiFernet encryption, several keys, and `rotate_secrets`."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from providers.models import IdentityProvider
from tenants import crypto
from tenants.fields import Secret
from tenants.models import JiraConnection
from tests.factories import IdentityProviderFactory, JiraConnectionFactory

KEY1, KEY2, KEY3 = (Fernet.generate_key().decode() for _ in range(3))


def stored(model, field: str, pk: int) -> str:
    """The raw column value, as the database holds it."""
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def rotate() -> str:
    out = io.StringIO()
    call_command("rotate_secrets", stdout=out)
    return out.getvalue()


def test_the_first_key_encrypts_and_every_key_decrypts(settings):
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY1]
    token = crypto.encrypt("s3cret-value")
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY2, KEY1]
    assert crypto.decrypt(token) == "s3cret-value"
    assert Fernet(KEY2.encode()).decrypt(crypto.encrypt("new").encode()) == b"new"
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY3]
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(token)


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.GATEWAY_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="Fernet keys"):
        crypto.encrypt("x")


def test_a_decrypted_secret_hides_itself_in_reprs():
    assert "hunter2" not in repr(Secret("hunter2"))
    assert "hunter2" not in repr({"api_token": Secret("hunter2")})


@pytest.mark.django_db
def test_the_database_holds_ciphertext_only(settings):
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY1]
    jira = JiraConnectionFactory(api_token="plain-token-value")
    raw = stored(JiraConnection, "api_token", jira.pk)
    assert "plain-token-value" not in raw
    assert Fernet(KEY1.encode()).decrypt(raw.encode()) == b"plain-token-value"
    assert JiraConnection.objects.get(pk=jira.pk).api_token == "plain-token-value"


@pytest.mark.django_db
def test_rotation_moves_every_secret_to_the_newest_key(settings):
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY1]
    jira = JiraConnectionFactory(api_token="jira-token-1")
    idp = IdentityProviderFactory(client_secret="client-secret-1")
    no_secret = IdentityProviderFactory(client_secret="")
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY2, KEY1]

    output = rotate()

    assert "tenants.JiraConnection.api_token: 1 re-encrypted" in output
    assert "providers.IdentityProvider.client_secret: 1 re-encrypted" in output
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY2]  # the old key is gone
    assert JiraConnection.objects.get(pk=jira.pk).api_token == "jira-token-1"
    assert IdentityProvider.objects.get(pk=idp.pk).client_secret == "client-secret-1"
    assert IdentityProvider.objects.get(pk=no_secret.pk).client_secret == ""
    assert Fernet(KEY2.encode()).decrypt(stored(IdentityProvider, "client_secret", idp.pk).encode()) == (
        b"client-secret-1"
    )


@pytest.mark.django_db
def test_without_rotation_removing_the_old_key_loses_the_secret(settings):
    """The control for the test above: it is the rotation that makes the old key removable."""
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY1]
    jira = JiraConnectionFactory(api_token="jira-token-1")
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY2]
    with pytest.raises(crypto.SecretUnreadable):
        JiraConnection.objects.get(pk=jira.pk)


@pytest.mark.django_db
def test_a_value_no_key_decrypts_fails_clearly_and_rotates_nothing(settings):
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY1]
    readable = JiraConnectionFactory(api_token="readable")
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY3]
    lost = IdentityProviderFactory(client_secret="encrypted-under-key3")
    settings.GATEWAY_ENCRYPTION_KEYS = [KEY2, KEY1]
    before = stored(JiraConnection, "api_token", readable.pk)

    with pytest.raises(CommandError) as failed:
        rotate()

    assert f"providers.IdentityProvider.client_secret #{lost.pk}" in str(failed.value)
    assert "nothing was changed" in str(failed.value)
    assert "encrypted-under-key3" not in str(failed.value)
    assert stored(JiraConnection, "api_token", readable.pk) == before


def test_rotate_secrets_from_the_command_line_reports_counts_or_fails_without_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "DATABASE_URL", "REDIS_URL"))}
    env.update(DEBUG="true", GATEWAY_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    def manage(*args, keys):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=Path(__file__).resolve().parents[2],
            env={**env, "GATEWAY_ENCRYPTION_KEYS": ",".join(keys)},
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert manage("migrate", "-v0", keys=[KEY1]).returncode == 0
    create = "from tests.factories import JiraConnectionFactory as F; F(api_token='under-key-1')"
    assert manage("shell", "-c", create, keys=[KEY1]).returncode == 0

    lost = manage("rotate_secrets", keys=[KEY2])
    rotated = manage("rotate_secrets", keys=[KEY2, KEY1])
    readable = manage(
        "shell", "-c", "from tenants.models import JiraConnection as J; print(J.objects.get().api_token)", keys=[KEY2]
    )

    assert lost.returncode != 0 and "Traceback" not in lost.stderr
    assert "tenants.JiraConnection.api_token #1" in lost.stderr
    assert rotated.returncode == 0 and "1 secret(s) re-encrypted" in rotated.stdout
    assert readable.stdout.strip().endswith("under-key-1")
