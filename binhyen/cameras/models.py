"""The community camera registry (camera an ninh): where cameras are, what they see, who to ask for
footage. It never stores video, and nothing in it is public.

The owner's name and contact are encrypted (core.crypto) and read only through cameras.domain, which
audits every read. A removed or withdrawn camera keeps only what anonymous counts need.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OwnerKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    SHOP = "shop", _("Shop")
    ENTERPRISE = "enterprise", _("Enterprise")
    AGENCY = "agency", _("Agency or school")
    COMMUNE = "commune", _("The commune")


class Recording(models.TextChoices):
    LOCAL = "local", _("Local recorder")
    CLOUD = "cloud", _("Cloud")
    LINKED = "linked", _("Linked to the commune police")


class Funding(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    ENTERPRISE = "enterprise", _("Enterprise")
    BUDGET = "budget", _("State budget")
    SOCIALISED = "socialised", _("Socialised (xã hội hóa)")


class CameraStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    OFFLINE = "offline", _("Offline")
    REMOVED = "removed", _("Removed")


class Camera(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cameras"
    )
    owner_kind = models.CharField(max_length=12, choices=OwnerKind.choices, default=OwnerKind.HOUSEHOLD)
    # Encrypted: who to ask for footage.
    contact_name_enc = models.TextField(blank=True)
    contact_phone_enc = models.TextField(blank=True)
    # A keyed hash of the contact phone, so duplicates can be found without decrypting.
    contact_key = models.CharField(max_length=64, blank=True, db_index=True)
    label = models.CharField(max_length=120)

    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    address = models.CharField(max_length=300, blank=True)
    # Null once removed. lat_band = floor(latitude × 100): with the (lat_band, longitude) index a radius
    # query is a few tight B-tree ranges (see cameras.geo).
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    lat_band = models.IntegerField(null=True, blank=True, editable=False)

    direction_deg = models.PositiveSmallIntegerField(null=True, blank=True)  # 0 = north, clockwise
    fov_deg = models.PositiveSmallIntegerField(default=90)
    range_m = models.PositiveSmallIntegerField(default=30)
    covers = models.CharField(max_length=300, blank=True)  # streets, gates, crossroads it sees
    retention_days = models.PositiveSmallIntegerField(default=7)
    recording = models.CharField(max_length=10, choices=Recording.choices, default=Recording.LOCAL)
    funding = models.CharField(max_length=12, choices=Funding.choices, default=Funding.RESIDENTS)

    consent_purpose = models.CharField(max_length=300, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=8, choices=CameraStatus.choices, default=CameraStatus.ACTIVE)
    status_changed_at = models.DateTimeField(default=timezone.now)
    last_confirmed_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lat_band", "longitude"], name="camera_band_lon"),
            models.Index(fields=["area_path", "status"], name="camera_area_status"),
        ]

    def __str__(self) -> str:
        return self.label


class Confirmation(models.Model):
    """ "Still working" (or not), said by the owner or the village leader."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="confirmations")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    working = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"camera {self.camera_id} {'ok' if self.working else 'offline'} @ {self.at:%Y-%m-%d}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the owner")
    PROVIDED = "provided", _("Footage provided")
    NOTHING = "nothing", _("Nothing recorded")
    DECLINED = "declined", _("Declined")


class FootageRequest(models.Model):
    camera = models.ForeignKey(Camera, null=True, on_delete=models.SET_NULL, related_name="requests")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_reference = models.CharField(max_length=120)
    place = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()  # before the camera's retention overwrites the window
    token = models.CharField(max_length=43, unique=True)  # the owner's link
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    handover = models.CharField(max_length=300, blank=True)  # how the footage was handed over
    answer_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_reference} · camera {self.camera_id}"
