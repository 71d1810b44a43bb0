"""Administrative units: province → commune (official, from vietnam-provinces) → village/residential group
(created by each commune).

`path` is a materialised path of fixed-width digit segments (2 + 5 + 4), so "everything in this province"
is one B-tree range scan: path >= P AND path < P || 'z'. Digits only, so the range is the same under any
database collation.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.core.text import fold

PATH_WIDTH = {1: 2, 2: 5, 3: 4}
REORGANISATION_DATE = datetime.date(2025, 7, 1)


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    COMMUNE = 2, _("Commune")
    VILLAGE = 3, _("Village / residential group")


class AreaType(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally-run city")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    VILLAGE = "village", _("Village (thôn)")
    HAMLET = "hamlet", _("Hamlet (ấp)")
    BAN = "ban", _("Village (bản)")
    RESIDENTIAL_GROUP = "residential_group", _("Residential group (tổ dân phố)")
    QUARTER = "quarter", _("Quarter (khu phố)")


VILLAGE_TYPES = (
    AreaType.VILLAGE,
    AreaType.HAMLET,
    AreaType.BAN,
    AreaType.RESIDENTIAL_GROUP,
    AreaType.QUARTER,
)


class AreaQuerySet(models.QuerySet["Area"]):
    def within(self, area: Area) -> AreaQuerySet:
        """The area and everything under it (range scan on the materialised path)."""
        return self.filter(path__gte=area.path, path__lt=area.path + "z")

    def within_any(self, areas: list[Area]) -> AreaQuerySet:
        query = models.Q(pk__in=[])
        for area in areas:
            query |= models.Q(path__gte=area.path, path__lt=area.path + "z")
        return self.filter(query)


class Area(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=AreaType.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=16, unique=True)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)
    codename = models.CharField(max_length=100, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    # Kept by domain.create_villages / delete_village, so dashboards never count villages per commune.
    village_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "search_key"],
                condition=models.Q(level=3),
                name="unique_village_name_in_commune",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)

    def ancestors(self) -> list[Area]:
        chain: list[Area] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE


class Predecessor(models.Model):
    """A unit from before a reorganisation that became (part of) a current unit on a date.

    Lets figures recorded under the old units (districts, merged communes, merged provinces) be counted
    under today's units.
    """

    old_code = models.CharField(max_length=32)
    old_name = models.CharField(max_length=200)
    old_type = models.CharField(max_length=50, blank=True)
    successor = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="predecessors")
    effective_date = models.DateField(default=REORGANISATION_DATE)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["old_code", "successor__path"]
        constraints = [
            models.UniqueConstraint(fields=["old_code", "successor"], name="unique_predecessor_pair")
        ]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.successor.name} ({self.effective_date:%d/%m/%Y})"


class ImportJob(models.Model):
    """An uploaded villages file, kept until the worker has imported it: nothing accepted is lost."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Rejected")

    commune = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="import_jobs")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL)
    submitted_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"
