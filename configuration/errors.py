"""Errors of the declarative configuration, each tied to the path of the offending field."""


class ConfigError(Exception):
    """Base class of everything `tenant_config` reports to the user (never a traceback)."""


class ConfigInvalid(ConfigError):
    """The file is wrong somewhere; `problems` lists every `(path, message)` found, in file order.

    A path reads like `tenants[0].identity_providers[1].discovery_url`, so the admin can go
    straight to the line to fix.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{path}: {message}" for path, message in problems))


class TenantNotFound(ConfigError):
    def __init__(self, slug: str):
        super().__init__(f"No tenant with slug “{slug}”.")


class Problems:
    """Collects problems while a file is read, so one run reports all of them, not just the first."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigInvalid(self.items)
