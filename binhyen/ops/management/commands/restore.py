"""`binhyen restore ARCHIVE [--force]`: verify an archive made by `binhyen backup`, then restore it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.audit import domain as audit
from binhyen.ops import backup
from binhyen.ops.backup_progress import bars


class Command(BaseCommand):
    help = (
        "Restore an archive made by `binhyen backup` (database and media files). Refuses a non-empty "
        "database unless --force. Stop the web server and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database and media files even if they hold data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        try:
            with audit.acting_as("command: restore"):
                result = backup.restore(
                    options["archive"], force=options["force"], progress=bars(options["verbosity"])
                )
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        m = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored %(path)s (made %(created)s, %(files)s media files).")
                % {
                    "path": options["archive"],
                    "created": m.get("created_at", "?"),
                    "files": m.get("media_files", 0),
                }
            )
        )
        if result.replaced:
            self.stdout.write(_("Replaced what the target held before:") + "\n" + result.replaced)
        self._counts(result, options["verbosity"])
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The archive predates %(n)s migrations of this version (%(names)s). "
                        "Run `binhyen migrate` now."
                    )
                    % {"n": len(result.pending_migrations), "names": ", ".join(result.pending_migrations[:5])}
                )
            )
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Reporters' names and contacts are encrypted with BINHYEN_FIELD_KEYS, which are not in "
                    "the archive: this server needs the same keys to read them."
                )
            )
        )
        if result.missing_key_ids:
            self.stdout.write(
                self.style.ERROR(
                    _(
                        "This server lacks field keys the archive's site had (key ids %(ids)s): set "
                        "BINHYEN_FIELD_KEYS to include them, or reporters' details stay unreadable."
                    )
                    % {"ids": ", ".join(result.missing_key_ids)}
                )
            )

    def _counts(self, result: backup.RestoreResult, verbosity: int) -> None:
        archived = result.manifest["tables"]
        verbose = verbosity >= 2
        width = max((len(t) for t in result.counts), default=10)
        self.stdout.write(f"{_('table'):<{width}}  {_('restored'):>12}  {_('archive'):>12}")
        for table in sorted(set(result.counts) | set(archived)):
            here, there = result.counts.get(table), archived.get(table)
            if verbose or here or there or table in result.mismatches:
                mark = "" if table not in result.mismatches else "  ≠"
                self.stdout.write(
                    f"{table:<{width}}  {here if here is not None else '-':>12}  "
                    f"{there if there is not None else '-':>12}{mark}"
                )
        if result.mismatches:
            self.stdout.write(
                self.style.ERROR(
                    _("Row counts differ from the archive's manifest in %(n)s tables: %(tables)s.")
                    % {"n": len(result.mismatches), "tables": ", ".join(result.mismatches)}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Row counts match the archive's manifest in all %(n)s tables.") % {"n": len(archived)}
                )
            )
