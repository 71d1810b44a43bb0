"""Admin: read-only views of alerts and the outbox (sending goes through alerts.domain); addresses are
encrypted and never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from binhyen.alerts.models import Alert, Delivery, Subscription


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ["headline", "kind", "severity", "status", "wide", "recipients", "created_at", "sent_at"]
    list_filter = ["status", "kind", "severity", "wide"]
    search_fields = ["headline", "identifier"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["alert", "channel", "recipient", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["channel", "status"]
    exclude = ["address_enc"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = ["pk", "user", "channels", "kinds", "active", "created_at", "unsubscribed_at"]
    list_filter = ["active"]
    exclude = ["email_enc", "phone_enc", "zalo_enc", "webhook_url", "push", "token"]
