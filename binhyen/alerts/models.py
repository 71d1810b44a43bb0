"""Alerts (the digital security gong), who subscribes to them, and the delivery outbox.

An `Alert` targets areas (villages, communes) or a radius around a point, an audience (members of chosen
organisations, residents subscribed to the area, camera owners nearby), and is sent now or at a time.
Fanning out writes one `Delivery` per recipient and channel; the unique constraint is what makes a
re-run after a crash add nothing. Senders lease rows (`lease_until`), so a worker killed mid-send leaves
rows another worker takes over; the delivery id travels as the idempotency key, so a receiver that saw
the first attempt recognises the second.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SECURITY = "security", _("Security incident")
    FIRE = "fire", _("Fire")
    MISSING = "missing", _("Missing person")
    DISASTER = "disaster", _("Natural disaster")
    DRILL = "drill", _("Drill")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    # CAP 1.2 severities, in the order people read them.
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


def _identifier() -> str:
    return secrets.token_hex(8)


class Alert(models.Model):
    identifier = models.CharField(max_length=32, unique=True, default=_identifier)  # CAP identifier part
    kind = models.CharField(max_length=12, choices=Kind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MODERATE)
    urgent = models.BooleanField(default=False)  # ignores quiet hours; CAP urgency Immediate
    headline = models.CharField(max_length=160)
    text = models.TextField()
    instruction = models.TextField(blank=True)
    # Where: areas (AlertArea) and/or a circle.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    province_path = models.CharField(max_length=2, db_index=True, blank=True)  # the CAP feed it belongs to
    # Who.
    to_members = models.BooleanField(default=False)
    organisation_ids = models.JSONField(default=list, blank=True)
    to_subscribers = models.BooleanField(default=True)
    to_camera_owners = models.BooleanField(default=False)
    public = models.BooleanField(default=True)  # listed in the CAP and Atom feeds
    # When.
    send_at = models.DateTimeField(null=True, blank=True)  # None: as soon as approved
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT)
    wide = models.BooleanField(default=False)  # a whole commune or more: needs a second person's approval
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    fanout_started_at = models.DateTimeField(null=True, blank=True)
    fanout_done_at = models.DateTimeField(null=True, blank=True)
    # The fan-out task holds this lease while it writes rows; a worker killed mid fan-out lets it run out
    # and the periodic tick starts the fan-out again (the unique constraint makes the re-run add nothing).
    fanout_lease_until = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "send_at"], name="alert_status_send_at")]

    def __str__(self) -> str:
        return self.headline


class AlertArea(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=16, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "area"], name="alert_area_once")]

    def __str__(self) -> str:
        return self.area_path


class Channel(models.TextChoices):
    WEB = "web", _("In the web app")
    PUSH = "push", _("Web Push")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")
    WEBHOOK = "webhook", _("Webhook")


def _token() -> str:
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    """A resident's (or a member's) wish to receive alerts: where, which kinds, how, and when not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
    )
    name = models.CharField(max_length=120, blank=True)
    # Addresses are personal data: encrypted (core.crypto), never listed.
    email_enc = models.TextField(blank=True)
    phone_enc = models.TextField(blank=True)
    zalo_enc = models.TextField(blank=True)
    webhook_url = models.URLField(blank=True)
    push = models.JSONField(default=dict, blank=True)  # Web Push subscription (endpoint, keys)
    kinds = models.CharField(max_length=120, blank=True)  # comma separated; empty: every kind
    channels = models.CharField(max_length=120, default="web")  # comma separated Channel values
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    consent_at = models.DateTimeField()
    consent_text = models.CharField(max_length=400)
    active = models.BooleanField(default=True)
    token = models.CharField(max_length=40, unique=True, default=_token)  # one-click unsubscribe
    created_at = models.DateTimeField(default=timezone.now)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"subscription {self.pk}"


class SubscriptionArea(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(max_length=16, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "area"], name="subscription_area_once")
        ]

    def __str__(self) -> str:
        return self.area_path


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One recipient on one channel of one alert: the outbox row."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=40)  # "user:12", "sub:34", "cam:56"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address_enc = models.TextField(blank=True)  # where to send, encrypted; blanked once sent
    # The subscription that asked for it (for the one-click unsubscribe link and quiet hours).
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    member = models.BooleanField(default=False)  # members may answer "responding"
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    provider_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)  # "đã nhận"
    responding_at = models.DateTimeField(null=True, blank=True)  # "đang đến"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient", "channel"], name="delivery_once")
        ]
        indexes = [
            models.Index(fields=["channel", "status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["alert", "status"], name="delivery_alert_status"),
            models.Index(fields=["user", "channel", "status"], name="delivery_user_web"),
            models.Index(fields=["channel", "status", "lease_until"], name="delivery_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}/{self.recipient}/{self.channel}"
