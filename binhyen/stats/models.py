"""Rollup tables. Requests read these, never GROUP BY over the operational tables.

`Count` holds one indicator's value in one area for one day or one calendar month (`grain`), at every
level of the hierarchy: village (depth 3), commune (2), province (1) and the nation (0, path ""). A period
is answered from whole months plus the days at its edges, so a police month (15th to 14th) or a custom
range costs at most a few dozen rows, and a year at the national level about forty.

`Dirty` is the work queue of the incremental job: a record change inserts one row per (source, commune,
day) it touches; the job recomputes those cells and deletes the rows it saw. Rows inserted while it runs
have higher ids and wait for the next pass, so nothing is lost and a crash leaves the queue intact.
"""

from __future__ import annotations

from django.db import models


class Grain(models.TextChoices):
    DAY = "d", "day"
    MONTH = "m", "month"


class Count(models.Model):
    indicator = models.CharField(max_length=48)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    depth = models.PositiveSmallIntegerField()  # 0 nation, 1 province, 2 commune, 3 village
    path = models.CharField(max_length=16)  # area path; "" is the nation
    subgroup = models.CharField(max_length=48, default="", blank=True)  # "" is the total
    day = models.DateField()  # the day, or the first day of the month
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "grain", "depth", "path", "subgroup", "day"], name="stats_count_cell"
            )
        ]
        # Every subgroup of one place over days (the incremental job, breakdowns).
        indexes = [
            models.Index(fields=["indicator", "grain", "depth", "path", "day"], name="stats_count_place_day")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.path or 'VN'} {self.grain}{self.day}: {self.value}"


class Dirty(models.Model):
    source = models.CharField(max_length=32)
    commune_path = models.CharField(max_length=16)
    day = models.DateField()

    def __str__(self) -> str:
        return f"{self.source} {self.commune_path} {self.day}"


class RollupState(models.Model):
    """One row: when the rollups were last rebuilt and brought up to date (shown on dashboards)."""

    key = models.CharField(max_length=16, primary_key=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    cells = models.PositiveIntegerField(default=0)  # cells recomputed by the last incremental pass

    def __str__(self) -> str:
        return self.key
