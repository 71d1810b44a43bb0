"""Periodic jobs are queued once per interval however many workers ask, and do their work."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from binhyen.api.models import IdempotencyRecord
from binhyen.core import periodic
from binhyen.core.models import PeriodicRun, Throttle

pytestmark = pytest.mark.django_db(transaction=True)


def test_jobs_registered() -> None:
    names = {j.name for j in periodic.jobs()}
    assert {"tips.warn_deadlines", "core.prune_throttle", "api.prune_idempotency"} <= names


def test_enqueue_due_once_per_interval(units: Any) -> None:
    now = timezone.now()
    first = periodic.enqueue_due(now)
    assert set(first) == {j.name for j in periodic.jobs()}
    # Five minutes later only the jobs that run more often than that are due again.
    frequent = sorted(j.name for j in periodic.jobs() if j.every <= datetime.timedelta(minutes=5))
    assert "stats.rollup" in frequent
    assert sorted(periodic.enqueue_due(now + datetime.timedelta(minutes=5))) == frequent
    assert periodic.enqueue_due(now + datetime.timedelta(minutes=5, seconds=30)) == []
    later = periodic.enqueue_due(now + datetime.timedelta(hours=1, minutes=1))
    assert "tips.warn_deadlines" in later
    assert PeriodicRun.objects.count() == len(periodic.jobs())


def test_housekeeping_jobs_prune(units: Any) -> None:
    Throttle.objects.create(key="x" * 64, window=1, count=3)
    old = IdempotencyRecord.objects.create(principal="p", key="k", fingerprint="f", status_code=201)
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    IdempotencyRecord.objects.create(principal="p", key="k2", fingerprint="f", status_code=201)
    periodic.enqueue_due()  # the test settings run tasks immediately
    assert not Throttle.objects.exists()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k2"]
