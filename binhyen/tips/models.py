"""Tips (tin báo, tố giác) from residents and what the commune police decided about them.

The reporter's identity lives in `Reporter`, apart from the tip and encrypted at rest; nothing that
lists, exports or counts tips ever joins to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    MAIL = "mail", _("Letter")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311 app")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Chat app")


class Status(models.TextChoices):
    # Bộ luật Tố tụng hình sự, Điều 145–147: receive, check, then one of the decisions.
    RECEIVED = "received", _("Received")
    CHECKING = "checking", _("Preliminary check")
    FORWARDED = "forwarded", _("Forwarded to the investigation agency")
    ADMINISTRATIVE = "administrative", _("Handled administratively")
    NOT_VIOLATION = "not_violation", _("Not a violation")
    DUPLICATE = "duplicate", _("Duplicate")
    UNFOUNDED = "unfounded", _("Unfounded")


OPEN_STATUSES = (Status.RECEIVED, Status.CHECKING)
DECISIONS = (
    Status.FORWARDED,
    Status.ADMINISTRATIVE,
    Status.NOT_VIOLATION,
    Status.DUPLICATE,
    Status.UNFOUNDED,
)


class Outcome(models.TextChoices):
    PROSECUTED = "prosecuted", _("Prosecuted")
    NOT_PROSECUTED = "not_prosecuted", _("Not prosecuted")
    SUSPENDED = "suspended", _("Suspended")


class Category(models.Model):
    """A kind of tip; each is an Open311 service."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=400, blank=True)
    group = models.CharField(max_length=80, blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    # Extra Open311 attributes for this service: [{"code", "datatype", "required", "description",
    # "order", "values": [{"key", "name"}]}]. The common ones (commune, village, when) are added by code.
    attributes = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("tip category")
        verbose_name_plural = _("tip categories")

    def __str__(self) -> str:
        return self.name


class Tip(models.Model):
    tracking_code = models.CharField(max_length=14, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tips")
    description = models.TextField()
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEB)
    anonymous = models.BooleanField(default=True)

    # When: an exact time, a time marked "about", free text ("tối thứ Bảy"), or nothing.
    occurred_at = models.DateTimeField(null=True, blank=True)
    occurred_approx = models.BooleanField(default=False)
    occurred_text = models.CharField(max_length=200, blank=True)

    # Where: always a commune (the queue it lands in), then as much as the reporter knows.
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_unknown = models.BooleanField(default=False)
    attributes = models.JSONField(default=dict, blank=True)  # Open311 attribute[...] values
    external_id = models.CharField(max_length=120, blank=True)  # message id from an SMS or chat gateway

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    deadline = models.DateTimeField(db_index=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decision_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    valuable = models.BooleanField(default=False, db_index=True)
    valuable_reason = models.TextField(blank=True)
    valuable_at = models.DateTimeField(null=True, blank=True)
    deadline_warned_at = models.DateTimeField(null=True, blank=True)

    # Folded (no marks, đ→d, lower case) category, description and address: what search matches.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["area_path", "received_at"], name="tip_area_received"),
            models.Index(fields=["status", "deadline"], name="tip_status_deadline"),
            models.Index(fields=["latitude", "longitude"], name="tip_lat_lon"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="tip_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Reporter(models.Model):
    """Who sent a tip and how to reach them: encrypted fields, read only through tips.domain."""

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="reporter")
    name_enc = models.TextField(blank=True)
    phone_enc = models.TextField(blank=True)
    email_enc = models.TextField(blank=True)
    address_enc = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reporter of tip {self.tip_id}"


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    CLAIMED = "claimed", _("Claimed")
    RELEASED = "released", _("Released")
    STATUS = "status", _("Status changed")
    EXTENDED = "extended", _("Deadline extended")
    VALUABLE = "valuable", _("Marked valuable")
    NOTE = "note", _("Note")
    ATTACHMENT = "attachment", _("Attachment")
    OUTCOME = "outcome", _("Outcome recorded")
    NOTIFIED = "notified", _("Reporter notified")
    EDITED = "edited", _("Edited")
    DEADLINE_WARNING = "deadline_warning", _("Deadline warning")


class TipEvent(models.Model):
    """The tip's timeline. `data` holds codes and field names, never the reporter's identity."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    public = models.BooleanField(default=False)  # shown on the reporter's tracking page
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class Note(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    public = models.BooleanField(default=False)  # public notes are shown to the reporter
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on tip {self.tip_id}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Link")


class Attachment(models.Model):
    """A photo or video from the reporter, or a document added by an officer. Never public."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="tips/%Y/%m/", blank=True)
    url = models.URLField(max_length=500, blank=True)  # Open311 media_url: kept as a link, never fetched
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    from_reporter = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} on tip {self.tip_id}"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NO_CHANNEL = "no_channel", _("No channel configured")


class ReporterNotification(models.Model):
    """A message to the reporter's contact about the outcome. The address is read from `Reporter` when
    sending and never copied here."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notifications")
    medium = models.CharField(max_length=10)  # email | sms
    body = models.TextField()
    status = models.CharField(
        max_length=12, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.medium} {self.status} for tip {self.tip_id}"


class InboundChannel(models.Model):
    """An SMS gateway or chat bot that posts messages to /webhooks/tips/<slug>, signed with HMAC."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=[(Channel.SMS, _("SMS")), (Channel.CHAT, _("Chat app"))])
    secret = models.CharField(max_length=128)  # shared HMAC key, given to the gateway
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
