"""Admin for award proposals (the web pages are the everyday tools, and the flow lives in awards.domain)."""

from __future__ import annotations

from django.contrib import admin

from binhyen.awards.models import AwardProposal


@admin.register(AwardProposal)
class AwardProposalAdmin(admin.ModelAdmin):
    list_display = ("id", "proposed_on", "commune", "nominee_kind", "award_kind", "status", "decision_number")
    list_filter = ("status", "award_kind", "nominee_kind")
    search_fields = ("nominee_name", "decision_number")
    date_hierarchy = "proposed_on"
    raw_id_fields = ("commune", "village", "proposed_by", "approved_by", "decided_by", "rejected_by")
    readonly_fields = ("area_path", "created_at", "updated_at")
    list_select_related = ("commune", "village")
