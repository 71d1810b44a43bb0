"""Admin for outreach sessions (the web pages are the everyday tools)."""

from __future__ import annotations

from django.contrib import admin

from binhyen.outreach.models import OutreachSession


@admin.register(OutreachSession)
class OutreachSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "date", "commune", "village", "place", "topics", "attendees", "leaflets")
    search_fields = ("place", "organiser", "note")
    date_hierarchy = "date"
    raw_id_fields = ("commune", "village", "created_by")
    readonly_fields = ("area_path", "created_at", "updated_at")
    list_select_related = ("commune", "village")
