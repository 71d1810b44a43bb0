"""`binhyen backup [ARCHIVE]`: the database and the media files in one archive (see binhyen.ops.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.audit import domain as audit
from binhyen.ops import backup
from binhyen.ops.backup_progress import bars


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive file (mode 0600)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "archive",
            nargs="?",
            type=Path,
            help="where to write the archive (default: $BINHYEN_BACKUP_DIR or var/backups, timestamped)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        try:
            with audit.acting_as("command: backup"):
                result = backup.backup(options["archive"], progress=bars(options["verbosity"]))
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        m = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(path)s (%(size)s).")
                % {"path": result.path, "size": filesizeformat(result.size)}
            )
        )
        self.stdout.write("sha256 " + result.sha256)
        self.stdout.write(
            _("%(tables)s tables, %(rows)s rows, %(files)s media files.")
            % {"tables": len(m["tables"]), "rows": m["rows"], "files": m["media_files"]}
        )
        self.stdout.write(
            _(
                "The archive holds personal data: keep it as safely as the database itself. It does not "
                "hold SECRET_KEY or BINHYEN_FIELD_KEYS: keep those apart from the archives; without the "
                "same field keys reporters' names and contacts cannot be read after a restore."
            )
        )
