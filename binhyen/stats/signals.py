"""Record changes mark rollup cells dirty: the old place and days (before the save) and the new ones.

Bulk operations (`QuerySet.update`, `bulk_create`) bypass signals; code that uses them calls
`rollup.mark_all` or `rollup.rebuild` afterwards (the demo seed and the generator do).
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from binhyen.stats import registry, rollup

_pending = threading.local()


def _snapshot(source: registry.Source, instance: Any) -> tuple[str | None, dict[str, Any]]:
    path = registry.attr_path(instance, source.path_field)
    return path, {name: registry.attr_path(instance, name) for name in source.date_fields()}


def _before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    old: list[tuple[str | None, dict[str, Any]]] = []
    for source in registry.sources_for_model(sender):
        fields = [source.path_field, *source.date_fields()]
        row = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
        if row is not None:
            old.append((row[source.path_field], {f: row[f] for f in source.date_fields()}))
    instance._stats_old = old


def _after_change(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    cells: set[tuple[str, str, Any]] = set()
    for index, source in enumerate(registry.sources_for_model(sender)):
        cells |= rollup.cells_of(source, *_snapshot(source, instance))
        previous = getattr(instance, "_stats_old", [])
        if index < len(previous):
            cells |= rollup.cells_of(source, *previous[index])
    if cells:
        rollup.mark(cells)
        _schedule()


def _schedule() -> None:
    # At most one job per transaction and per second, enqueued after commit so the worker sees the
    # records. A rolled-back transaction never runs its callback; the flag expires after a few seconds.
    now = time.monotonic()
    if now - getattr(_pending, "since", -10.0) < 3.0:
        return
    _pending.since = now

    def enqueue() -> None:
        _pending.since = -10.0
        from binhyen.stats import tasks

        # The minute job catches up; a queue hiccup must never fail a save.
        with contextlib.suppress(Exception):
            tasks.rollup_task.enqueue()

    transaction.on_commit(enqueue)


def connect() -> None:
    models = {source.model for source in registry.sources()}
    for model in models:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"stats-pre-{model._meta.label}")
        post_save.connect(_after_change, sender=model, dispatch_uid=f"stats-post-{model._meta.label}")
        post_delete.connect(_after_change, sender=model, dispatch_uid=f"stats-del-{model._meta.label}")
