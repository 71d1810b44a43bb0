"""Admin for the crime taxonomy and the incidents register (the web pages are the everyday tools)."""

from __future__ import annotations

from django.contrib import admin

from binhyen.incidents.models import CrimeCategory, Incident


@admin.register(CrimeCategory)
class CrimeCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "parent", "active", "order")
    list_filter = ("active", "group")
    search_fields = ("code", "name", "group")
    list_editable = ("active", "order")
    ordering = ("order", "name")
    autocomplete_fields = ("parent",)

    def has_delete_permission(self, request: object, obj: CrimeCategory | None = None) -> bool:
        # A category in use is deactivated, not deleted (PROTECT refuses anyway).
        return obj is None or not obj.incidents.exists()


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("id", "occurred_at", "category", "commune", "village", "cleared", "created_at")
    list_filter = ("cleared", "category")
    search_fields = ("summary", "address", "search_text")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("commune", "village", "source_tip", "created_by")
    readonly_fields = ("area_path", "created_at", "updated_at")
    list_select_related = ("category", "commune", "village")
