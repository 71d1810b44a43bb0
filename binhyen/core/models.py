"""Small shared tables that belong to no domain."""

from __future__ import annotations

from django.db import models


class Throttle(models.Model):
    """Requests per client and time window. Kept in the database because it is the one store every app
    server shares in the embedded setup."""

    key = models.CharField(max_length=64)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="throttle_key_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}…@{self.window}: {self.count}"


class PeriodicRun(models.Model):
    """When each periodic job was last queued, so many workers queue it once between them."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_enqueued_at:%Y-%m-%d %H:%M}"
