"""Admin for scheme types and schemes (the web pages are the everyday tools)."""

from __future__ import annotations

from django.contrib import admin

from binhyen.schemes.models import Scheme, SchemeOrganisation, SchemeReview, SchemeSite, SchemeType


@admin.register(SchemeType)
class SchemeTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "active", "order")
    list_filter = ("active",)
    search_fields = ("code", "name")
    list_editable = ("active", "order")
    ordering = ("order", "name")

    def has_delete_permission(self, request: object, obj: SchemeType | None = None) -> bool:
        return obj is None or not obj.schemes.exists()


class SiteInline(admin.TabularInline):
    model = SchemeSite
    extra = 0
    raw_id_fields = ("area",)
    readonly_fields = ("area_path",)


class RunnerInline(admin.TabularInline):
    model = SchemeOrganisation
    extra = 0
    raw_id_fields = ("organisation",)
    readonly_fields = ("created_at",)


class ReviewInline(admin.TabularInline):
    model = SchemeReview
    extra = 0
    raw_id_fields = ("reviewer",)


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "type", "level", "managing_area", "status", "start_date")
    list_filter = ("status", "level", "type")
    search_fields = ("name", "search_text")
    raw_id_fields = ("managing_area", "replicated_from", "created_by")
    readonly_fields = ("area_path", "created_at", "updated_at")
    list_select_related = ("type", "managing_area")
    inlines = [RunnerInline, SiteInline, ReviewInline]
