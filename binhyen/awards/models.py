"""Award proposals (đề nghị khen thưởng): for an individual or a collective, a kind of award (medal
«Bảo vệ an ninh Tổ quốc», certificates of merit, commendation, emulation flag), and the approval flow:
draft → submitted → approved by the commune → decided by the province (decision number, date, authority),
or rejected with a reason at approval or at decision.

An individual's name is personal data, kept because the award needs it; reading it on the detail page or
through the API writes an audit event. `area_path` is the village's path (or the commune's).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NomineeKind(models.TextChoices):
    INDIVIDUAL = "individual", "Cá nhân"
    COLLECTIVE = "collective", "Tập thể"


class AwardKind(models.TextChoices):
    MEDAL_1 = "medal_1", "Huy chương Bảo vệ an ninh Tổ quốc hạng Nhất"
    MEDAL_2 = "medal_2", "Huy chương Bảo vệ an ninh Tổ quốc hạng Nhì"
    MEDAL_3 = "medal_3", "Huy chương Bảo vệ an ninh Tổ quốc hạng Ba"
    MINISTRY_MERIT = "ministry_merit", "Bằng khen của Bộ trưởng Bộ Công an"
    PROVINCE_MERIT = "province_merit", "Bằng khen của Chủ tịch UBND tỉnh"
    COMMENDATION = "commendation", "Giấy khen"
    EMULATION_FLAG = "emulation_flag", "Cờ thi đua"


class Status(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã trình"
    APPROVED = "approved", "Xã đã duyệt"
    DECIDED = "decided", "Đã có quyết định khen thưởng"
    REJECTED = "rejected", "Không được khen thưởng"


class AwardProposal(models.Model):
    nominee_kind = models.CharField(max_length=12, choices=NomineeKind.choices)
    nominee_name = models.CharField(max_length=200)
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    award_kind = models.CharField(max_length=20, choices=AwardKind.choices)
    year = models.PositiveSmallIntegerField()  # the year the achievement is for
    proposed_on = models.DateField(db_index=True)  # the date of the proposal: what periods filter on
    achievement = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_number = models.CharField(max_length=60, blank=True)  # "1234/QĐ-UBND"
    decision_date = models.DateField(null=True, blank=True)
    issuing_authority = models.CharField(max_length=200, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_stage = models.CharField(max_length=12, blank=True)  # "submitted" or "approved"
    rejection_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")
        indexes = [
            models.Index(fields=["area_path", "proposed_on"], name="award_area_date"),
            models.Index(fields=["award_kind", "status"], name="award_kind_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_award_kind_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        place = self.village if self.village_id and self.village else self.commune
        self.area_path = place.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]
