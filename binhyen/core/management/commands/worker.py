"""binhyen worker: runs the task worker for whichever backend settings chose (database or Redis)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from binhyen.core import periodic


class Command(BaseCommand):
    help = "Run the background task worker (database queue by default, Redis when configured)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="process what is queued, then exit")
        parser.add_argument(
            "--no-periodic", action="store_true", help="do not queue periodic jobs from this worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASK_BACKEND
        if options["batch"] and not options["no_periodic"]:
            periodic.enqueue_due()
        elif not options["no_periodic"]:
            periodic.start_thread()
        if backend == "redis":
            extra = ["--burst"] if options["batch"] else []
            call_command("rqworker", "default", "--job-class", "django_tasks_rq.Job", *extra)
        elif backend == "database":
            extra = ["--batch"] if options["batch"] else []
            call_command("db_worker", "--queue-name", "*", "--no-reload", *extra)
        else:
            self.stdout.write(f"Task backend «{backend}» runs tasks in the web process; no worker needed.")
