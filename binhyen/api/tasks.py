"""Housekeeping for the API."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from binhyen.api.idempotency import KEEP
from binhyen.api.models import IdempotencyRecord


@task()
def prune_idempotency_records() -> int:
    """Answers are replayed for 24 hours; after that the record is only weight."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
