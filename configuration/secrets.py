"""Where a secret in the file comes from: `{"env": "VAR"}`, `{"file": "path"}`, or (tests, demo) a literal.

Configuration files live in repositories and tickets; secrets must not. So a file names where
the secret is, and only a deployment that already allows plain http:// (tests and the demo,
`GATEWAY_ALLOW_INSECURE_HTTP`) may carry the value itself.
"""

import os
import re
from pathlib import Path

from django.conf import settings

SOURCES = ("env", "file")


class SecretSourceError(ValueError):
    """The secret's source is malformed or yields nothing; the message never quotes a value."""


def secret_resolve(*, spec: object, base_dir: Path) -> str:
    """The secret's value. A relative `file` path is read relative to the configuration file."""
    if isinstance(spec, str):
        if not settings.GATEWAY_ALLOW_INSECURE_HTTP:
            raise SecretSourceError(
                'a literal secret is refused; give {"env": "VAR_NAME"} or {"file": "/path/to/secret"} '
                "(literals are allowed only when GATEWAY_ALLOW_INSECURE_HTTP is on, for tests and the demo)"
            )
        value = spec
    elif isinstance(spec, dict) and len(spec) == 1 and next(iter(spec)) in SOURCES:
        ((source, name),) = spec.items()
        if not isinstance(name, str) or not name:
            raise SecretSourceError(f"“{source}” must be a non-empty string")
        value = _from_env(name) if source == "env" else _from_file(name, base_dir)
    else:
        raise SecretSourceError('a secret is given as {"env": "VAR_NAME"} or {"file": "/path/to/secret"}')
    if not value:
        raise SecretSourceError("the secret is empty")
    return value


def _from_env(name: str) -> str:
    if name not in os.environ:
        raise SecretSourceError(f"environment variable {name} is not set")
    return os.environ[name].strip()


def _from_file(name: str, base_dir: Path) -> str:
    path = Path(name).expanduser()
    path = path if path.is_absolute() else base_dir / path
    try:
        # Secret files (Docker/Kubernetes secrets, `echo > file`) usually end with a newline.
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretSourceError(f"cannot read secret file {path}: {exc.strerror or exc}") from exc


def suggested_env_name(*parts: str) -> str:
    """`("acme", "jira", "api_token")` → `ACME_JIRA_API_TOKEN`: the placeholder an export writes."""
    return re.sub(r"[^A-Z0-9]+", "_", "_".join(parts).upper()).strip("_")
