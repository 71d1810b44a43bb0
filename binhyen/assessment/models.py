"""Assessment rubrics and assessments (đánh giá, chấm điểm, xét công nhận).

A `Rubric` is an admin-editable set of criteria in sections. Two kinds:

- **movement**: the 100-point classification of the movement «Toàn dân bảo vệ an ninh Tổ quốc»; items
  carry points, `settings["classes"]` holds the cut-offs (Xuất sắc ≥ 90, Khá ≥ 70, ...);
- **safety**: the pass/fail standard «An toàn về an ninh, trật tự» (Thông tư 124/2021/TT-BCA, as
  amended) for one kind of unit; items are met / not met, some are *disqualifying* (not met: the unit
  fails whatever the rest), `settings["pass_percent"]` is the share of the other items that must be met.

An `Assessment` is one unit's assessment against one rubric for one assessment window (a period id from
`binhyen.stats.periods`: "2025AR" for residential areas, "2025AC" for communes, agencies and schools). The
flow is draft → submitted (the unit) → reviewed (the commune) → approved or rejected (the province), with
returns for corrections; every step is an `AssessmentEvent`. `area_path` is the unit's path (the village
for a residential area, the commune otherwise): what statistics count it under.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RubricKind(models.TextChoices):
    MOVEMENT = "movement", _("Movement classification (points)")
    SAFETY = "safety", _("Safe for security and order (pass/fail)")


class UnitKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential area")
    COMMUNE = "commune", _("Commune, ward")
    AGENCY = "agency", _("Agency, enterprise")
    SCHOOL = "school", _("School")


class ItemKind(models.TextChoices):
    POINTS = "points", _("Points")
    CHECK = "check", _("Met / not met")


class Status(models.TextChoices):
    DRAFT = "draft", _("Self-assessment in progress")
    SUBMITTED = "submitted", _("Awaiting the commune's review")
    REVIEWED = "reviewed", _("Awaiting the province's approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for corrections")
    REJECTED = "rejected", _("Not recognised")


class Rubric(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=RubricKind.choices)
    # UnitKind values joined by commas: the units this rubric assesses ("commune" or "agency,school").
    unit_kinds = models.CharField(max_length=100)
    legal_basis = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    total_points = models.PositiveSmallIntegerField(default=0)  # movement: the points items add up to this
    # movement: {"classes": [{"code", "label", "min"}...], "disqualified_class": code}
    # safety: {"pass_percent": 100}
    settings = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("assessment rubric")
        verbose_name_plural = _("assessment rubrics")

    def __str__(self) -> str:
        return self.name

    @property
    def unit_kind_list(self) -> list[str]:
        return [k for k in (self.unit_kinds or "").split(",") if k]

    @property
    def unit_kind_labels(self) -> list[str]:
        labels = dict(UnitKind.choices)
        return [str(labels.get(k, k)) for k in self.unit_kind_list]


class RubricSection(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=10)  # "A"
    title = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["rubric", "order", "code"]
        verbose_name = _("rubric section")
        verbose_name_plural = _("rubric sections")
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="assessment_section_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class RubricItem(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items", editable=False)
    section = models.ForeignKey(RubricSection, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=10)  # "A1", unique in the rubric
    text = models.TextField()
    guidance = models.TextField(blank=True)  # how to score, what evidence to give
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.POINTS)
    max_points = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    # Not met: a safety unit fails, a movement unit gets the rubric's "disqualified_class".
    disqualifying = models.BooleanField(default=False)
    evidence_required = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["rubric", "section__order", "order", "code"]
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="assessment_item_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.rubric_id = self.section.rubric_id
        super().save(*args, **kwargs)


class Assessment(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments")
    rubric_kind = models.CharField(max_length=10, choices=RubricKind.choices, editable=False)
    unit_kind = models.CharField(max_length=12, choices=UnitKind.choices)
    # The village (residential area) or the commune (commune, agency, school).
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", editable=False)
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    unit_name = models.CharField(max_length=200)  # agency/school name; the area's name otherwise
    unit_key = models.CharField(max_length=200, blank=True, editable=False)  # folded name (agency/school)
    window = models.CharField(max_length=12)  # period id: "2025AR", "2025AC"
    window_start = models.DateField()
    window_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)

    self_total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    review_total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    review_comment = models.TextField(blank=True)
    # The result, fixed at approval (a later rubric edit does not change it).
    total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    result_class = models.CharField(max_length=20, blank=True)  # movement class code, or "pass" / "fail"
    result_label = models.CharField(max_length=100, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    approval_note = models.TextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True, db_index=True)  # statistics count on this day
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-window_end", "area_path", "unit_kind", "unit_name", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "window", "area", "unit_kind", "unit_key"], name="assessment_one_per_unit"
            )
        ]
        indexes = [
            models.Index(fields=["window", "area_path"], name="assessment_window_area"),
            models.Index(fields=["area_path", "approved_on"], name="assessment_area_approved"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit_name} ({self.window})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        self.rubric_kind = self.rubric.kind
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class AssessmentScore(models.Model):
    """One item of one assessment: the unit's self score and evidence, the reviewer's score and note."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    self_met = models.BooleanField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    links = models.TextField(blank=True)  # one URL a line
    evidence_file = models.FileField(upload_to="assessment/%Y/%m/", blank=True, max_length=200)
    evidence_name = models.CharField(max_length=200, blank=True)  # the uploaded file's name
    evidence_type = models.CharField(max_length=100, blank=True)
    review_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    review_met = models.BooleanField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "item__section__order", "item__order"]
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="assessment_score_item")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.item_id}"

    @property
    def link_list(self) -> list[str]:
        return [line for line in (self.links or "").splitlines() if line.strip()]

    @property
    def has_evidence(self) -> bool:
        return bool((self.evidence or "").strip() or self.link_list or self.evidence_file)


class EventKind(models.TextChoices):
    CREATED = "created", _("Assessment created")
    SUBMITTED = "submitted", _("Submitted for review")
    REVIEWED = "reviewed", _("Reviewed by the commune")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved by the province")
    REJECTED = "rejected", _("Rejected by the province")


class AssessmentEvent(models.Model):
    """The timeline: who did which step, when, and why (returns and rejections carry a reason)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.kind}"
