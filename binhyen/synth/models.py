"""A record of each `binhyen generate` run, so that generate can tell its own rows from real data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SynthRun(models.Model):
    """One generation: what was asked, when, and which ids it wrote in each table.

    `ranges` maps a table name to [first_id, last_id] (inclusive): generate assigns ids itself, in one
    block per table, so "is this row synthetic?" is a range test and `--force` can delete exactly them.
    """

    scale = models.CharField(max_length=10)
    seed = models.BigIntegerField()
    area_code = models.CharField(max_length=16, blank=True)  # the province or commune generated
    first_day = models.DateField()
    last_day = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # table -> rows written
    ranges = models.JSONField(default=dict, blank=True)  # table -> [first_id, last_id]
    seconds = models.JSONField(default=dict, blank=True)  # phase -> seconds

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("generation run")
        verbose_name_plural = _("generation runs")

    def __str__(self) -> str:
        return f"{self.scale} seed={self.seed} {self.area_code}".strip()
