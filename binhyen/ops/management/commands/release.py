"""binhyen release: what each new version needs once, before its app servers start."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Apply migrations, load the official administrative units and collect static files."

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        verbosity = options["verbosity"]
        self.stdout.write(_("1/3 Applying database migrations…"))
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write(_("2/3 Loading the 34 provinces and 3,321 communes…"))
        call_command("areas", "load", verbosity=verbosity)
        self.stdout.write(_("3/3 Collecting static files…"))
        call_command("collectstatic", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write(self.style.SUCCESS(_("Ready: start `binhyen serve` and `binhyen worker`.")))
