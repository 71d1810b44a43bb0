"""Organisations of the movement (tổ chức quần chúng) and their members.

An organisation belongs to one commune and covers one or more of its villages; `area_path` is the
commune's materialised path (scoping by province or commune is one range scan), and group leaders see the
organisations covering their village through the covered villages. A `Person` holds only what the work
needs (name, birth date or year, optional gender, phone encrypted at rest, village); mediation cases count
parties, never name them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.core.text import fold


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class OrganisationType(models.Model):
    """A kind of organisation (loại tổ chức); edited by administrators."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    description = models.CharField(max_length=400, blank=True)
    # Law 30/2023 (grassroots security teams): members aged min_age..max_age when they join, older only
    # with the commune chairman's approval.
    has_age_rule = models.BooleanField(default=False)
    min_age = models.PositiveSmallIntegerField(default=18)
    max_age = models.PositiveSmallIntegerField(default=70)
    single_leader = models.BooleanField(default=False)  # one leader at a time
    is_mediation = models.BooleanField(default=False)  # keeps mediation cases
    roles = models.CharField(max_length=100, default="leader,deputy,member")  # allowed Role values
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")

    def __str__(self) -> str:
        return self.name

    @property
    def role_list(self) -> list[str]:
        return [r for r in (x.strip() for x in self.roles.split(",")) if r]


class Organisation(models.Model):
    type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=200)
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    villages = models.ManyToManyField("areas.Area", blank=True, related_name="+")
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    founded_on = models.DateField(null=True, blank=True)
    dissolved_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area_path", "type__order", "name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["area_path", "type"], name="organisation_area_type")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.commune.path
        self.search_text = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Person(models.Model):
    """A member as a person; may belong to several organisations. Minimal personal data."""

    full_name = models.CharField(max_length=150)
    search_text = models.CharField(max_length=150, db_index=True, editable=False)
    birth_date = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=6, choices=Gender.choices, blank=True)
    phone_encrypted = models.TextField(blank=True, editable=False)  # core.crypto; read through domain.phone
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["search_text", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        place = self.village if self.village_id and self.village else self.commune
        self.area_path = place.path
        self.search_text = fold(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def year(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    # Law 30/2023: older than the age limit only with the commune chairman's approval.
    age_exception = models.BooleanField(default=False)
    age_exception_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["left_on", "role", "joined_on", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["organisation", "left_on"], name="membership_org_left")]

    def __str__(self) -> str:
        return f"{self.person} – {self.organisation}"

    @property
    def active(self) -> bool:
        return self.left_on is None


class CaseType(models.TextChoices):
    LAND = "land", _("Land")
    FAMILY = "family", _("Marriage and family")
    NEIGHBOURS = "neighbours", _("Neighbours")
    DEBT = "debt", _("Debt, civil transactions")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    SUCCESSFUL = "successful", _("Successful")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    TRANSFERRED = "transferred", _("Transferred")


class MediationCase(models.Model):
    """A case of a mediation group (hoà giải ở cơ sở): counts only, never the parties' names."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="mediation_cases")
    case_type = models.CharField(max_length=12, choices=CaseType.choices)
    received_on = models.DateField(db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    parties_count = models.PositiveSmallIntegerField(default=2)
    note = models.CharField(max_length=500, blank=True)
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")

    def __str__(self) -> str:
        return f"#{self.pk} {self.received_on:%d/%m/%Y}" if self.received_on else f"#{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.organisation.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]
