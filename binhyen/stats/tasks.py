"""Background work of the statistics app."""

from __future__ import annotations

from django_tasks import task

from binhyen.stats import rollup


@task()
def rollup_task() -> int:
    return rollup.run()
