"""Periodic jobs: apps register a task and an interval; every worker calls `enqueue_due` each minute and
the database row per job makes sure only one of them queues it.

    from binhyen.core import periodic
    periodic.register("tips.warn_deadlines", datetime.timedelta(hours=1), tasks.warn_deadlines_task)
"""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from binhyen.core.models import PeriodicRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: datetime.timedelta
    task: Any  # a django_tasks Task


_jobs: dict[str, Job] = {}


def register(name: str, every: datetime.timedelta, task: Any) -> None:
    _jobs[name] = Job(name, every, task)


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def enqueue_due(now: datetime.datetime | None = None) -> list[str]:
    """Queue each job whose interval has passed; returns the names queued by this call."""
    now = now or timezone.now()
    queued = []
    for job in jobs():
        with transaction.atomic():
            run, created = PeriodicRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_enqueued_at": now}
            )
            if not created and run.last_enqueued_at + job.every > now:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(job.task.enqueue)
            queued.append(job.name)
    return queued


def run_forever(stop: threading.Event, interval: float = 60.0) -> None:
    """The worker's scheduling loop (a daemon thread beside the task worker)."""
    while not stop.is_set():
        try:
            names = enqueue_due()
            if names:
                log.info("periodic jobs queued: %s", ", ".join(names))
        except Exception:  # keep scheduling even if the database blinked
            log.exception("periodic scheduling failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def start_thread(interval: float = 60.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop, interval), name="periodic", daemon=True).start()
    return stop
