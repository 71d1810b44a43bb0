"""The incidents register (vụ việc): what crime statistics and same-period comparisons count.

An incident is recorded directly or from a tip. People involved are counts only: no names, no
identities. `area_path` is the materialised path of the village (or the commune when no village is
known), so "everything in this province" is one range scan, as for tips.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.core.text import fold


class CrimeCategory(models.Model):
    """A kind of incident (loại tội phạm, vụ việc); two levels at most (a parent and its children)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    group = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=400, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("crime category")
        verbose_name_plural = _("crime categories")

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    category = models.ForeignKey(CrimeCategory, on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField(db_index=True)

    # Where: always a commune, a village when known.
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    summary = models.TextField()
    cleared = models.BooleanField(default=False)  # khám phá
    cleared_at = models.DateTimeField(null=True, blank=True)

    # Counts only: never names.
    suspects = models.PositiveIntegerField(default=0)
    victims = models.PositiveIntegerField(default=0)
    deaths = models.PositiveIntegerField(default=0)
    injuries = models.PositiveIntegerField(default=0)
    property_damage_vnd = models.PositiveBigIntegerField(null=True, blank=True)

    source_tip = models.ForeignKey(
        "tips.Tip", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Folded (no marks, đ→d, lower case) category, summary and address: what search matches.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["area_path", "occurred_at"], name="incident_area_time"),
            models.Index(fields=["category", "occurred_at"], name="incident_category_time"),
            models.Index(fields=["latitude", "longitude"], name="incident_lat_lon"),
        ]

    def __str__(self) -> str:
        when = f" {self.occurred_at:%d/%m/%Y}" if self.occurred_at else ""
        return f"#{self.pk}{when}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Kept here as well as in the domain, so the admin and the demo seed cannot leave it stale.
        place = self.village if self.village_id and self.village else self.commune
        self.area_path = place.path
        parts = [self.category.name, self.summary, self.address]
        if self.village_id and self.village:
            parts.append(self.village.name)
        self.search_text = fold(" ".join(p for p in parts if p))
        super().save(*args, **kwargs)  # type: ignore[arg-type]
