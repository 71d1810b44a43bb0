"""Outreach sessions (buổi tuyên truyền): when, where, on which topics, by whom, for how many people.

Counts only: attendees and leaflets are numbers, never lists of names. `area_path` is the village's path
(or the commune's when no village is given), so "everything in this province" is one range scan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """The fixed list of topics (chủ đề tuyên truyền); labels are the Vietnamese names reports use."""

    DRUGS = "drugs", "Phòng, chống ma tuý"
    FRAUD = "fraud", "Phòng, chống lừa đảo, lừa đảo qua mạng"
    TRAFFIC = "traffic", "An toàn giao thông"
    FIRE = "fire", "Phòng cháy, chữa cháy"
    LAW = "law", "Phổ biến, giáo dục pháp luật"
    WEAPONS = "weapons", "Vũ khí, vật liệu nổ, công cụ hỗ trợ"
    TRAFFICKING = "trafficking", "Phòng, chống mua bán người"
    DOMESTIC_VIOLENCE = "domestic_violence", "Phòng, chống bạo lực gia đình"
    OTHER = "other", "Khác"


class OutreachSession(models.Model):
    date = models.DateField(db_index=True)
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    place = models.CharField(max_length=300)
    # Topic codes (Topic values) joined by commas, at least one, in the order of Topic: "drugs,fraud".
    topics = models.CharField(max_length=200)
    organiser = models.CharField(max_length=200)
    attendees = models.PositiveIntegerField(default=0)
    leaflets = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("outreach session")
        verbose_name_plural = _("outreach sessions")
        indexes = [models.Index(fields=["area_path", "date"], name="outreach_area_date")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.date:%d/%m/%Y}" if self.date else f"#{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        place = self.village if self.village_id and self.village else self.commune
        self.area_path = place.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def topic_list(self) -> list[str]:
        return [t for t in (self.topics or "").split(",") if t]

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topic_list]
