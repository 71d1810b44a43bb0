"""Housekeeping tasks that belong to no domain."""

from __future__ import annotations

from django_tasks import task

from binhyen.core import ratelimit


@task()
def prune_throttle() -> int:
    return ratelimit.prune()
