"""Period data sets (biểu mẫu báo cáo định kỳ), DHIS2-style, for figures the records cannot show.

- `DataElement`: one figure ("Kế hoạch, văn bản chỉ đạo được ban hành"), its unit and value type.
- `DataSet`: a report form filled per area (commune or province) and period (police month, quarter...),
  with the elements it asks for (`DataSetElement`, ordered) and its `ValidationRule`s.
- `Submission`: one data set for one area and one period, with its status (draft → submitted →
  approved, or returned with a reason), the texts typed that were not accepted yet (`draft`), and its
  timeline (`SubmissionEvent`).
- `DataValue`: one accepted figure for (element, area, period): the DHIS2 data value. Approved values
  are what statistics count (see indicators.py).

Rules are in domain.py; the DHIS2 exchange formats in dhis2.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage")


class FillLevel(models.IntegerChoices):
    """Where a data set is filled in (the values of areas.Level)."""

    PROVINCE = 1, _("Province")
    COMMUNE = 2, _("Commune")


class PeriodKind(models.TextChoices):
    """The period kinds a data set may use (values of stats.periods.PeriodKind)."""

    POLICE_MONTH = "police_month", _("Police statistical month (15th to 14th)")
    POLICE_QUARTER = "police_quarter", _("Police statistical quarter")
    POLICE_HALF_YEAR = "police_half_year", _("Police statistical half-year")
    POLICE_YEAR = "police_year", _("Police statistical year (15/12 to 14/12)")
    MONTH = "month", _("Calendar month")
    QUARTER = "quarter", _("Calendar quarter")
    HALF_YEAR = "half_year", _("Calendar half-year")
    YEAR = "year", _("Calendar year")


class DataElement(models.Model):
    code = models.CharField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    value_type = models.CharField(
        _("value type"), max_length=12, choices=ValueType.choices, default=ValueType.INTEGER
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class DataSet(models.Model):
    code = models.CharField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=200)
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    level = models.PositiveSmallIntegerField(_("filled in by"), choices=FillLevel.choices)
    due_days = models.PositiveSmallIntegerField(
        _("due (days after the period ends)"),
        default=5,
        help_text=_("A submission is on time when it is sent at the latest this many days after the period."),
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("open for entry"), default=True)
    elements = models.ManyToManyField(DataElement, through="DataSetElement", related_name="datasets")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")

    def __str__(self) -> str:
        return self.name


class DataSetElement(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="memberships")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dataset", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["dataset", "element"], name="datasets_member_unique")]
        verbose_name = _("element of a data set")
        verbose_name_plural = _("elements of a data set")

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.element_id}"


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "==", "="
    NE = "!=", "≠"


class ValidationRule(models.Model):
    """`left operator right`, both sides expressions over element codes ("a + b", "tips * 2", "(a - b) / 2").

    A rule is checked only when every element it names has a value (DHIS2's default "skip if any value is
    missing"); when it fails, `message` (Vietnamese) is shown and the submission is refused.
    """

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=200)
    left = models.CharField(_("left side"), max_length=300)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, default=Operator.LE)
    right = models.CharField(_("right side"), max_length=300)
    message = models.CharField(_("message when broken"), max_length=300)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["dataset", "id"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


class Submission(models.Model):
    """One data set for one area and one period (a DHIS2 "data set registration" with its approval)."""

    dataset = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="submissions")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=16, editable=False)
    period = models.CharField(max_length=24)  # stats.periods id: "2025P03"
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Texts typed in the form that were not accepted (not a number...): kept so that nothing is lost,
    # shown again until they are corrected. {element code: text}
    draft = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)  # timeliness counts this one
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_start", "area_path"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "area", "period"], name="datasets_submission_unique")
        ]
        indexes = [
            models.Index(fields=["dataset", "period", "area_path"], name="datasets_sub_period"),
            models.Index(fields=["status", "area_path"], name="datasets_sub_status"),
        ]
        verbose_name = _("data set submission")
        verbose_name_plural = _("data set submissions")

    def __str__(self) -> str:
        return f"{self.dataset_id} · {self.area_id} · {self.period}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class EventAction(models.TextChoices):
    SAVED = "saved", _("Figures saved")
    IMPORTED = "imported", _("Imported through the API")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


class SubmissionEvent(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=EventAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class DataValue(models.Model):
    """One accepted figure: (element, area, period) is the DHIS2 data value key (default category combo)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    element_code = models.CharField(max_length=48, editable=False)  # the statistics subgroup
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=16, editable=False)
    period = models.CharField(max_length=24)
    period_start = models.DateField()  # the date statistics count the value on
    value = models.DecimalField(max_digits=18, decimal_places=3)
    comment = models.CharField(max_length=500, blank=True)
    approved = models.BooleanField(default=False)  # mirrors the submission: only these are counted
    stored_by = models.CharField(max_length=150, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start", "area_path", "element_code"]
        constraints = [
            models.UniqueConstraint(fields=["element", "area", "period"], name="datasets_value_unique")
        ]
        indexes = [
            models.Index(fields=["area_path", "period_start"], name="datasets_value_area"),
            models.Index(fields=["period", "area_path"], name="datasets_value_period"),
        ]
        verbose_name = _("data value")
        verbose_name_plural = _("data values")

    def __str__(self) -> str:
        return f"{self.element_code} {self.period} {self.area_path}: {self.value}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        self.element_code = self.element.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]
