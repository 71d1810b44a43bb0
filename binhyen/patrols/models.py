"""Patrol rosters and logs (lịch trực, nhật ký tuần tra).

A `Shift` belongs to a team (an `organisations.Organisation`, usually a grassroots security team) and
carries the team's commune path, so "everything in this province" is one range scan. `ShiftAssignment`
books a person on a shift; a swap ends one assignment and books the replacement, who points back at it
through `swapped_from` (the old row stays, marked `replaced_at`). A `PatrolLog` records a patrol: when,
where, who led it, its check-ins (optionally a GPS point) and findings; a finding can become a tip or an
incident, whose ids it keeps.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Shift(models.Model):
    team = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [models.Index(fields=["team", "starts_at"], name="patrol_shift_team_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%d/%m/%Y %H:%M}" if self.starts_at else f"#{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.team.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class ShiftAssignment(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    # The assignment this one replaced (a swap); the replaced row keeps `replaced_at`.
    swapped_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replacements"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shift", "id"]
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        indexes = [models.Index(fields=["person", "replaced_at"], name="patrol_assign_person")]

    def __str__(self) -> str:
        return f"{self.person} – {self.shift}"

    @property
    def active(self) -> bool:
        return self.replaced_at is None


class PatrolLog(models.Model):
    team = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs")
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField()
    route = models.TextField(blank=True)
    villages = models.ManyToManyField("areas.Area", blank=True, related_name="+")
    led_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField("organisations.Person", blank=True, related_name="+")
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("patrol log")
        verbose_name_plural = _("patrol logs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%d/%m/%Y %H:%M}" if self.started_at else f"#{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.team.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def hours(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() / 3600


class CheckIn(models.Model):
    log = models.ForeignKey(PatrolLog, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateTimeField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.at:%H:%M}" if self.at else f"#{self.pk}"


class FindingKind(models.TextChoices):
    SUSPICIOUS = "suspicious", _("Suspicious person or activity")
    HAZARD = "hazard", _("Hazard (fire, electricity, road)")
    DISTURBANCE = "disturbance", _("Disturbance of public order")
    OTHER = "other", _("Other")


class Finding(models.Model):
    log = models.ForeignKey(PatrolLog, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField()
    kind = models.CharField(max_length=12, choices=FindingKind.choices, default=FindingKind.OTHER)
    became_tip_id = models.IntegerField(null=True, blank=True)
    became_incident_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.text[:60]
