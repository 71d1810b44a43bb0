"""Admin for patrol rosters and logs (the web pages are the everyday tools)."""

from __future__ import annotations

from django.contrib import admin

from binhyen.patrols.models import CheckIn, Finding, PatrolLog, Shift, ShiftAssignment


class AssignmentInline(admin.TabularInline):
    model = ShiftAssignment
    extra = 0
    raw_id_fields = ("person", "swapped_from", "created_by")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("id", "team", "starts_at", "ends_at", "note")
    date_hierarchy = "starts_at"
    raw_id_fields = ("team", "created_by")
    readonly_fields = ("area_path", "created_at")
    list_select_related = ("team",)
    inlines = [AssignmentInline]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


@admin.register(PatrolLog)
class PatrolLogAdmin(admin.ModelAdmin):
    list_display = ("id", "team", "started_at", "ended_at", "led_by")
    date_hierarchy = "started_at"
    raw_id_fields = ("team", "shift", "led_by", "created_by", "villages", "members")
    readonly_fields = ("area_path", "created_at")
    list_select_related = ("team", "led_by")
    inlines = [CheckInInline, FindingInline]
