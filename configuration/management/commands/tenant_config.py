"""`tenant_config apply FILE` and `tenant_config export SLUG...`: declarative tenant configuration.

User errors (a broken file, an unknown tenant) end as a CommandError: one clear message per
problem, a non-zero exit code, no traceback. See docs/configuration.md for the format.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from configuration.apply import ApplyReport, tenant_config_apply
from configuration.errors import ConfigError, ConfigInvalid
from configuration.export import tenant_config_export


class Command(BaseCommand):
    help = "Apply a JSON tenant configuration file, or export tenants in that format (without secrets)."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["apply", "export"],
            help="apply FILE: create or update tenants from FILE ('-' reads standard input). "
            "export SLUG [SLUG ...]: print those tenants' configuration, without secrets.",
        )
        parser.add_argument("targets", nargs="+", metavar="FILE | SLUG")
        parser.add_argument("--dry-run", action="store_true", help="apply: check and report, then roll back.")

    def handle(self, *args, action, targets, dry_run, **options):
        self.verbosity = options["verbosity"]
        if action == "apply":
            if len(targets) != 1:
                raise CommandError("apply takes exactly one FILE.")
            self._apply(targets[0], dry_run=dry_run)
        else:
            try:
                document = tenant_config_export(slugs=targets)
            except ConfigError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))

    def _apply(self, file: str, *, dry_run: bool) -> None:
        document, base_dir = _load(file)
        try:
            report = tenant_config_apply(document=document, base_dir=base_dir, dry_run=dry_run)
        except ConfigInvalid as exc:
            lines = "\n".join(f"  {path}: {message}" for path, message in exc.problems)
            raise CommandError(f"{file} is invalid; nothing was changed.\n{lines}") from exc
        self._print(report)

    def _print(self, report: ApplyReport) -> None:
        for change in report.changes:
            detail = f" ({', '.join(change.keys)})" if change.action == "updated" else ""
            if change.action != "unchanged" or self.verbosity > 1:
                self.stdout.write(f"{change.action:>9} {change.label}{detail}")
        summary = ", ".join(f"{report.count(action)} {action}" for action in ("created", "updated", "unchanged"))
        suffix = " — dry run, nothing saved" if report.dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{summary}{suffix}."))


def _load(file: str) -> tuple[object, Path]:
    """The parsed document and the folder that relative secret files are read from."""
    try:
        if file == "-":
            text, base_dir = sys.stdin.read(), Path.cwd()
        else:
            path = Path(file)
            text, base_dir = path.read_text(encoding="utf-8"), path.resolve().parent
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return json.loads(text), base_dir
    except json.JSONDecodeError as exc:
        raise CommandError(f"{file} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from exc
