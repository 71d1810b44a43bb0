"""Admin: rubrics are edited here (sections and items, the cut-offs in `settings`); assessments are worked
on in the web pages, where the flow's rules apply, so the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from binhyen.assessment import domain
from binhyen.assessment.models import (
    Assessment,
    AssessmentEvent,
    AssessmentScore,
    Rubric,
    RubricItem,
    RubricSection,
    UnitKind,
)


class RubricForm(forms.ModelForm):
    unit_kinds = forms.MultipleChoiceField(
        choices=UnitKind.choices, widget=forms.CheckboxSelectMultiple, label=_("Units assessed")
    )

    class Meta:
        model = Rubric
        fields = (
            "code", "name", "kind", "unit_kinds", "legal_basis", "description", "total_points", "settings",
            "active", "order",
        )  # fmt: skip
        help_texts = {
            "settings": _(
                'Movement: {"classes": [{"code": "excellent", "label": "Xuất sắc", "min": 90}, …, '
                '{"code": "weak", "label": "Yếu", "min": 0}], "disqualified_class": "weak"}. '
                'Safety: {"pass_percent": 100}.'
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["unit_kinds"] = self.instance.unit_kind_list

    def clean_unit_kinds(self) -> str:
        chosen = self.cleaned_data.get("unit_kinds") or []
        return ",".join(k for k in UnitKind.values if k in chosen)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, settings = data.get("kind"), data.get("settings")
        if kind:
            try:
                data["settings"] = domain.check_settings(kind, settings if settings is not None else {})
            except domain.AssessmentError as e:
                self.add_error("settings", e.message)
        return data


class SectionInline(admin.TabularInline):
    model = RubricSection
    extra = 0
    fields = ("code", "title", "order")
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    form = RubricForm
    list_display = ("code", "name", "kind", "unit_kinds", "total_points", "active", "order")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    readonly_fields = ("problems", "created_at", "updated_at")
    inlines = [SectionInline]

    @admin.display(description=_("Problems"))
    def problems(self, obj: Rubric) -> SafeString | str:
        if not obj.pk:
            return "–"
        found = domain.rubric_problems(obj)
        if not found:
            return "✓"
        return format_html_join("", "<p>{}</p>", ((p,) for p in found))


class ItemForm(forms.ModelForm):
    class Meta:
        model = RubricItem
        fields = (
            "section", "code", "text", "guidance", "kind", "max_points", "disqualifying", "evidence_required",
            "order",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        section, code = data.get("section"), data.get("code")
        if section is not None and code:
            clash = RubricItem.objects.filter(rubric_id=section.rubric_id, code=code).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error("code", _("Another item of this rubric already has this code."))
        if data.get("kind") == "check":
            data["max_points"] = 0
        return data


class ItemInline(admin.StackedInline):
    model = RubricItem
    form = ItemForm
    extra = 0
    fields = (
        ("code", "order", "kind", "max_points"),
        "text",
        "guidance",
        ("disqualifying", "evidence_required"),
    )


@admin.register(RubricSection)
class RubricSectionAdmin(admin.ModelAdmin):
    list_display = ("rubric", "code", "title", "order")
    list_filter = ("rubric",)
    inlines = [ItemInline]


@admin.register(RubricItem)
class RubricItemAdmin(admin.ModelAdmin):
    form = ItemForm
    list_display = (
        "rubric",
        "code",
        "short_text",
        "kind",
        "max_points",
        "disqualifying",
        "evidence_required",
    )
    list_filter = ("rubric", "kind", "disqualifying")
    search_fields = ("code", "text")
    list_select_related = ("rubric",)

    @admin.display(description=_("Criterion"))
    def short_text(self, obj: RubricItem) -> str:
        return obj.text[:100]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = AssessmentEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly):
    list_display = ("id", "unit_name", "unit_kind", "window", "rubric", "status", "total", "result_label")
    list_filter = ("status", "unit_kind", "rubric_kind", "window")
    search_fields = ("unit_name",)
    list_select_related = ("rubric",)
    inlines = [EventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Assessment._meta.fields]


@admin.register(AssessmentScore)
class AssessmentScoreAdmin(ReadOnly):
    list_display = ("assessment", "item", "self_score", "self_met", "review_score", "review_met")
    list_select_related = ("assessment", "item")
    raw_id_fields = ("assessment", "item")
