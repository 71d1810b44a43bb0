"""Movement schemes (mô hình phòng, chống tội phạm; tự phòng, tự quản, tự bảo vệ).

A `Scheme` is managed by a commune or by the province (`level`, `managing_area`), runs at one or more
`SchemeSite`s (a commune or one of its villages, optionally a point or an agency/school), and moves through
proposed → active → under review → retired. `SchemeReview`s record periodic reviews (rà soát).
`SchemeOrganisation` links a scheme to the organisations of the movement that run it; `run_by` keeps
whoever else runs it as free text.

`area_path` (the managing area's path on schemes, the site's area path on sites) is what scoping and counts
range-scan, as for incidents and tips.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.core.text import fold


class SchemeType(models.Model):
    """A kind of scheme (loại mô hình), e.g. security camera, security gong; edited by administrators."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    description = models.CharField(max_length=400, blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("scheme type")
        verbose_name_plural = _("scheme types")

    def __str__(self) -> str:
        return self.name


class ManagingLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    PROVINCE = "province", _("Province")


class SchemeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    RETIRED = "retired", _("Retired")


class Effectiveness(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class Scheme(models.Model):
    name = models.CharField(max_length=200)
    type = models.ForeignKey(SchemeType, on_delete=models.PROTECT, related_name="schemes")
    level = models.CharField(max_length=10, choices=ManagingLevel.choices, default=ManagingLevel.COMMUNE)
    managing_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    start_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=SchemeStatus.choices, default=SchemeStatus.PROPOSED)
    status_reason = models.CharField(max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)  # the last retirement, kept after reactivation
    description = models.TextField(blank=True)
    # Organisations of the movement running it (in the managing area), and anyone else as free text.
    organisations = models.ManyToManyField(
        "organisations.Organisation", through="SchemeOrganisation", blank=True, related_name="+"
    )
    run_by = models.CharField(max_length=500, blank=True)  # other runners (free text)
    replicated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replicas"
    )
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area_path", "name", "id"]
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        indexes = [
            models.Index(fields=["area_path", "status"], name="scheme_area_status"),
            models.Index(fields=["type", "status"], name="scheme_type_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.managing_area.path
        self.search_text = fold(" ".join(p for p in (self.name, self.run_by, self.description) if p))
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class SchemeOrganisation(models.Model):
    """An organisation running a scheme. A row of our own (not an implicit M2M table) so that each link
    and unlink is saved one by one and lands in the audit log."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="runner_links")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme", "id"]
        verbose_name = _("organisation running a scheme")
        verbose_name_plural = _("organisations running schemes")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "organisation"], name="scheme_organisation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} – {self.organisation_id}"

    @property
    def area_path(self) -> str:
        """What the audit log scopes the event by: the scheme's managing area."""
        cached = self._state.fields_cache.get("scheme")
        if cached is not None:
            return str(cached.area_path)
        scheme = Scheme.objects.filter(pk=self.scheme_id).values_list("area_path", flat=True).first()
        return scheme or ""


class SchemeSite(models.Model):
    """Where a scheme runs: a commune or a village, optionally a point and a place (an agency, a school)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="sites")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    place_name = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)  # set when the site is removed (kept for history)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area_path", "id"]
        verbose_name = _("scheme site")
        verbose_name_plural = _("scheme sites")

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.place_name or self.area}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class SchemeReview(models.Model):
    """A periodic review (rà soát): how effective the scheme is, with notes and evidence."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    effectiveness = models.CharField(max_length=10, choices=Effectiveness.choices)
    notes = models.TextField(blank=True)
    evidence = models.CharField(max_length=500, blank=True)  # text or a URL
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("scheme review")
        verbose_name_plural = _("scheme reviews")

    def __str__(self) -> str:
        return f"{self.scheme} {self.reviewed_on:%d/%m/%Y}"
