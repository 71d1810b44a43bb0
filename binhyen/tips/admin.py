"""Admin for the settings of tips: categories (Open311 services) and inbound channels.

Tips themselves are worked on in the tips pages, where the rules about claiming and reporter identity
hold; the admin deliberately has no view of tips or reporters.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin

from binhyen.tips.models import Category, InboundChannel


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "active", "order")
    list_filter = ("active", "group")
    search_fields = ("code", "name", "keywords")
    list_editable = ("active", "order")


@admin.register(InboundChannel)
class InboundChannelAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "kind", "commune", "category", "active")
    list_filter = ("kind", "active")
    autocomplete_fields = ()
    raw_id_fields = ("commune",)

    def get_changeform_initial_data(self, request: Any) -> dict[str, Any]:
        # A fresh shared secret to give the gateway; the webhook checks HMAC-SHA256 with it.
        return {"secret": secrets.token_urlsafe(32)}
