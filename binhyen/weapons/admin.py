"""Admin for weapons handed in (the web pages are the everyday tools)."""

from __future__ import annotations

from django.contrib import admin

from binhyen.weapons.models import WeaponSurrender


@admin.register(WeaponSurrender)
class WeaponSurrenderAdmin(admin.ModelAdmin):
    list_display = ("id", "date", "commune", "item_type", "quantity", "rice_kg", "received_by", "campaign")
    list_filter = ("item_type",)
    search_fields = ("campaign", "exchange", "note")
    date_hierarchy = "date"
    raw_id_fields = ("commune", "village", "received_by", "created_by")
    readonly_fields = ("area_path", "created_at", "updated_at")
    list_select_related = ("commune", "village", "received_by")
