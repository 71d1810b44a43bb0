"""Admin for organisation types, organisations, members and mediation (the web pages are the everyday
tools). Phone numbers are not shown here: they are read through domain.phone, which is audited."""

from __future__ import annotations

from django.contrib import admin

from binhyen.organisations.models import MediationCase, Membership, Organisation, OrganisationType, Person


@admin.register(OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "has_age_rule",
        "single_leader",
        "is_mediation",
        "roles",
        "active",
        "order",
    )
    list_editable = ("active", "order")
    search_fields = ("code", "name")

    def has_delete_permission(self, request: object, obj: OrganisationType | None = None) -> bool:
        return obj is None or not obj.organisations.exists()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("person",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "commune", "founded_on", "dissolved_on")
    list_filter = ("type",)
    search_fields = ("name", "search_text")
    raw_id_fields = ("commune", "villages", "created_by")
    readonly_fields = ("area_path", "created_at", "updated_at")
    list_select_related = ("type", "commune")
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "birth_year", "commune", "village")
    search_fields = ("search_text",)
    raw_id_fields = ("commune", "village", "user")
    readonly_fields = ("area_path",)
    exclude = ("phone_encrypted",)


@admin.register(MediationCase)
class MediationCaseAdmin(admin.ModelAdmin):
    list_display = ("id", "organisation", "case_type", "received_on", "outcome", "parties_count")
    list_filter = ("case_type", "outcome")
    raw_id_fields = ("organisation", "created_by")
    readonly_fields = ("area_path",)
