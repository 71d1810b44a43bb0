"""binhyen serve: the production web server (gunicorn, several processes with threads, one address)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


def _manifest_missing() -> bool:
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    return isinstance(manifest, str) and not staticfiles_storage.exists(manifest)


class Command(BaseCommand):
    help = "Serve the platform with gunicorn: several processes behind one address (see docs/deployment.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="address:port (default: BIND or 127.0.0.1:PORT)")
        parser.add_argument(
            "--processes", type=int, help="app processes (default: WEB_PROCESSES or 2 × cores)"
        )
        parser.add_argument("--threads", type=int, help="threads per process (default: WEB_THREADS or 16)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["processes"] is not None and options["processes"] < 1:
            raise CommandError(_("--processes must be at least 1."))
        if options["threads"] is not None and options["threads"] < 1:
            raise CommandError(_("--threads must be at least 1."))
        if _manifest_missing():
            # Hashed, compressed static files are made once per release; do it now rather than 500.
            self.stderr.write(_("Static files were not collected; collecting them now…"))
            call_command("collectstatic", interactive=False, verbosity=0)
        if options["bind"]:
            os.environ["BIND"] = options["bind"]
        if options["processes"]:
            os.environ["WEB_PROCESSES"] = str(options["processes"])
        if options["threads"]:
            os.environ["WEB_THREADS"] = str(options["threads"])
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
        argv = [sys.executable, "-m", "gunicorn", "-c", "python:binhyen.ops.gunicorn_conf"]
        argv += ["binhyen.wsgi:application"]
        if settings.DEBUG:
            self.stderr.write(_("Warning: DEBUG is on; never serve the public like this."))
        sys.stdout.flush()
        sys.stderr.flush()
        # Replace this process, so that signals from systemd reach gunicorn's master directly.
        os.execv(sys.executable, argv)
