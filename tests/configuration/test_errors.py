"""A broken configuration file names the offending field by its path and changes nothing."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError

from tests.configuration.helpers import apply, issue_example, snapshot

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
IDP0 = "tenants[0].identity_providers[0]"
IDP1 = "tenants[0].identity_providers[1]"


def _tenant(doc):
    return doc["tenants"][0]


def _idp(doc, i):
    return doc["tenants"][0]["identity_providers"][i]


BROKEN = {
    "unknown key": (lambda d: _idp(d, 1).update(colour="red"), f"{IDP1}.colour: unknown key"),
    "unknown mapping key": (
        lambda d: _idp(d, 0)["attribute_mapping"].update(nickname="nick"),
        f"{IDP0}.attribute_mapping.nickname: unknown key",
    ),
    "unknown top-level key": (lambda d: d.update(version=2), "version: unknown key"),
    "http discovery URL": (
        lambda d: _idp(d, 1).update(discovery_url="http://idp.example/.well-known/openid-configuration"),
        f"{IDP1}.discovery_url: This URL uses plain http://",
    ),
    "http Jira URL": (
        lambda d: _tenant(d)["jira"].update(site_url="http://acme.atlassian.net"),
        "tenants[0].jira.site_url: This URL uses plain http://",
    ),
    "http Keycloak realm": (
        lambda d: _idp(d, 1).update(preset="keycloak", domain="http://sso.example/realms/acme", discovery_url=""),
        f"{IDP1}.domain: This URL uses plain http://",
    ),
    "generic OIDC without discovery URL": (
        lambda d: _idp(d, 1).pop("discovery_url"),
        f"{IDP1}.discovery_url: Generic OpenID Connect needs the provider's discovery URL.",
    ),
    "unknown preset": (lambda d: _idp(d, 0).update(preset="myspace"), f"{IDP0}.preset: Value 'myspace' is not"),
    "reserved tenant slug": (lambda d: _tenant(d).update(slug="admin"), "tenants[0].slug: “admin” is reserved"),
    "malformed provider slug": (lambda d: _idp(d, 1).update(slug="Corp SSO"), f"{IDP1}.slug: Enter a valid “slug”"),
    "scopes without openid": (lambda d: _idp(d, 0).update(scopes=["email"]), f"{IDP0}.scopes: The scopes must"),
    "scopes as a sentence": (lambda d: _idp(d, 0).update(scopes=["openid email"]), f"{IDP0}.scopes: expected a list"),
    "wrong type": (lambda d: _idp(d, 1).update(enabled="yes"), f"{IDP1}.enabled: expected true or false, got str"),
    "boolean as a number": (lambda d: _idp(d, 1).update(order=True), f"{IDP1}.order: expected a whole number"),
    "missing slug": (lambda d: _idp(d, 0).pop("slug"), f"{IDP0}.slug: required"),
    "duplicate provider slug": (lambda d: _idp(d, 1).update(slug="salesforce"), f"{IDP1}.slug: “salesforce” appears"),
    "missing environment variable": (
        lambda d: _idp(d, 1).update(client_secret={"env": "NOT_SET_ANYWHERE_42"}),
        f"{IDP1}.client_secret: environment variable NOT_SET_ANYWHERE_42 is not set",
    ),
    "unknown secret source": (
        lambda d: _idp(d, 1).update(client_secret={"vault": "kv/corp"}),
        f'{IDP1}.client_secret: a secret is given as {{"env": "VAR_NAME"}} or {{"file"',
    ),
    "missing secret file": (
        lambda d: _tenant(d)["jira"].update(api_token={"file": "no/such/file"}),
        "tenants[0].jira.api_token: cannot read secret file",
    ),
    "invalid email": (lambda d: _tenant(d)["jira"].update(email="svc"), "tenants[0].jira.email: Enter a valid email"),
    "Jira without a token": (lambda d: _tenant(d)["jira"].pop("api_token"), "tenants[0].jira.api_token: This field"),
    "invalid colour": (lambda d: _tenant(d).update(brand_color="blue"), "tenants[0].brand_color: A colour like"),
    "unknown time zone": (
        lambda d: _tenant(d).update(default_time_zone="Mars/Olympus"),
        "tenants[0].default_time_zone: “Mars/Olympus” is not a time zone",
    ),
    "unknown language": (lambda d: _tenant(d).update(default_language="xx"), "tenants[0].default_language:"),
    "providers not a list": (
        lambda d: _tenant(d).update(identity_providers={"slug": "x"}),
        "tenants[0].identity_providers: expected a list",
    ),
    "no tenants": (lambda d: d.pop("tenants"), "tenants: required"),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_file_names_the_field_and_creates_nothing(case, tmp_path, settings, monkeypatch):
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    for name in ("ACME_JIRA_TOKEN", "ACME_SF_SECRET", "CORP_SECRET"):
        monkeypatch.setenv(name, f"value-of-{name.lower()}")
    document = issue_example()
    mutate, expected = BROKEN[case]
    mutate(document)

    with pytest.raises(CommandError) as failed:
        apply(tmp_path, document)

    assert expected in str(failed.value)
    assert "nothing was changed" in str(failed.value)
    assert snapshot() == {"tenants": [], "jira": [], "providers": [], "secrets": [], "mappings": []}


def test_the_same_file_without_the_mistake_applies(tmp_path, settings, monkeypatch):
    """The control for the cases above: the unmodified example is valid under the same settings."""
    settings.GATEWAY_ALLOW_INSECURE_HTTP = False
    for name in ("ACME_JIRA_TOKEN", "ACME_SF_SECRET", "CORP_SECRET"):
        monkeypatch.setenv(name, f"value-of-{name.lower()}")
    apply(tmp_path, issue_example())
    assert snapshot()["providers"]


def test_a_late_mistake_rolls_back_earlier_valid_changes(tmp_path, monkeypatch):
    for name in ("ACME_JIRA_TOKEN", "ACME_SF_SECRET", "CORP_SECRET"):
        monkeypatch.setenv(name, f"value-of-{name.lower()}")
    apply(tmp_path, issue_example())
    before = snapshot()
    document = issue_example()
    _tenant(document)["name"] = "Renamed"
    _idp(document, 0)["client_id"] = "another-client"
    monkeypatch.setenv("ACME_JIRA_TOKEN", "a-new-token")
    second = copy.deepcopy(_tenant(document))
    second.update(slug="globex", name="Globex")
    second["identity_providers"][1]["discovery_url"] = "not a url"
    document["tenants"].append(second)

    with pytest.raises(CommandError) as failed:
        apply(tmp_path, document)

    assert "tenants[1].identity_providers[1].discovery_url: Enter a valid URL." in str(failed.value)
    assert snapshot() == before


def test_every_problem_is_reported_in_one_run(tmp_path, monkeypatch):
    for name in ("ACME_JIRA_TOKEN", "ACME_SF_SECRET", "CORP_SECRET"):
        monkeypatch.setenv(name, "x")
    document = issue_example()
    _tenant(document)["jira"]["email"] = "nobody"
    _idp(document, 1)["discovery_url"] = "ftp://idp.example/"
    with pytest.raises(CommandError) as failed:
        apply(tmp_path, document)
    assert "tenants[0].jira.email:" in str(failed.value)
    assert f"{IDP1}.discovery_url:" in str(failed.value)


def _manage(*args, env_extra=None, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "DATABASE_URL", "REDIS_URL"))}
    env.update(DEBUG="true", GATEWAY_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_exit_codes_and_no_traceback(tmp_path):
    assert _manage("migrate", "-v0", tmp_path=tmp_path).returncode == 0
    good, broken, not_json = tmp_path / "good.json", tmp_path / "broken.json", tmp_path / "bad.json"
    good.write_text(json.dumps(issue_example()))
    document = issue_example()
    _idp(document, 1)["discovery_url"] = "http://idp.example/.well-known/openid-configuration"
    broken.write_text(json.dumps(document))
    not_json.write_text('{"tenants": [}')
    secrets_env = {"ACME_JIRA_TOKEN": "t-1", "ACME_SF_SECRET": "s-1", "CORP_SECRET": "s-2"}

    ok = _manage("tenant_config", "apply", str(good), env_extra=secrets_env, tmp_path=tmp_path)
    refused = _manage("tenant_config", "apply", str(broken), env_extra=secrets_env, tmp_path=tmp_path)
    unparsable = _manage("tenant_config", "apply", str(not_json), tmp_path=tmp_path)
    missing = _manage("tenant_config", "apply", str(tmp_path / "nope.json"), tmp_path=tmp_path)
    unknown = _manage("tenant_config", "export", "nope", tmp_path=tmp_path)

    assert ok.returncode == 0, ok.stderr
    for failed in (refused, unparsable, missing, unknown):
        assert failed.returncode != 0
        assert "Traceback" not in failed.stderr
    assert f"{IDP1}.discovery_url: This URL uses plain http://" in refused.stderr
    assert "not valid JSON" in unparsable.stderr and "line 1, column 14" in unparsable.stderr
    assert "Cannot read" in missing.stderr
    assert "No tenant with slug “nope”" in unknown.stderr
