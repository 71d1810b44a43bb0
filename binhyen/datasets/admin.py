"""Admin for data sets, data elements and validation rules (Perm.MANAGE_DATASETS: administrators).

Definitions are checked by the domain rules: codes are well formed and never an indicator's code, an
element's code is fixed once it has values, an element is not in two data sets of the same level and
period kind, rules parse and name existing elements. Submissions and values are changed through the
pages and the API (their flow and the statistics depend on it), so here they are read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.datasets import domain
from binhyen.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Submission,
    SubmissionEvent,
    ValidationRule,
)


class _ManagedAdmin(admin.ModelAdmin):
    def _may(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.MANAGE_DATASETS, None)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)


class DataElementForm(forms.ModelForm):
    class Meta:
        model = DataElement
        fields = ["code", "name", "unit", "value_type", "description"]

    def clean_code(self) -> str:
        try:
            return domain.check_element_code(self.cleaned_data.get("code", ""), self.instance)
        except domain.DataSetError as e:
            raise forms.ValidationError(e.message) from None


@admin.register(DataElement)
class DataElementAdmin(_ManagedAdmin):
    form = DataElementForm
    list_display = ("code", "name", "unit", "value_type")
    search_fields = ("code", "name")
    list_filter = ("value_type",)


class MemberForm(forms.ModelForm):
    class Meta:
        model = DataSetElement
        fields = ["element", "order"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        element, dataset = data.get("element"), getattr(self.instance, "dataset", None)
        if element is not None and dataset is not None and dataset.pk:
            try:
                domain.check_membership(dataset, element)
            except domain.DataSetError as e:
                raise forms.ValidationError(e.message) from None
        return data


class MemberInline(admin.TabularInline):
    model = DataSetElement
    form = MemberForm
    extra = 1
    autocomplete_fields = ("element",)


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["name", "left", "operator", "right", "message", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            domain.check_rule(
                data.get("left", ""), data.get("operator", ""), data.get("right", ""), data.get("message", "")
            )
        except domain.DataSetError as e:
            field = e.field if e.field in self.fields else None
            self.add_error(field, e.message)
        return data


class RuleInline(admin.TabularInline):
    model = ValidationRule
    form = RuleForm
    extra = 1


class DataSetForm(forms.ModelForm):
    class Meta:
        model = DataSet
        fields = ["code", "name", "period_kind", "level", "due_days", "description", "active"]

    def clean_code(self) -> str:
        try:
            code = domain.check_code(self.cleaned_data.get("code", ""), "mã biểu mẫu")
        except domain.DataSetError as e:
            raise forms.ValidationError(e.message) from None
        if self.instance.pk and self.instance.code != code and self.instance.submissions.exists():
            raise forms.ValidationError("Biểu mẫu đã có số liệu: không được đổi mã.")
        return code


@admin.register(DataSet)
class DataSetAdmin(_ManagedAdmin):
    form = DataSetForm
    list_display = ("code", "name", "period_kind", "level", "due_days", "active")
    list_filter = ("period_kind", "level", "active")
    search_fields = ("code", "name")
    inlines = [MemberInline, RuleInline]


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "by", "at", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(_ManagedAdmin):
    list_display = ("dataset", "area", "period", "status", "first_submitted_at", "approved_at")
    list_filter = ("status", "dataset")
    search_fields = ("area__name", "area__code", "period")
    list_select_related = ("dataset", "area")
    inlines = [SubmissionEventInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataValue)
class DataValueAdmin(_ManagedAdmin):
    list_display = ("element_code", "area", "period", "value", "approved", "stored_by", "last_updated")
    list_filter = ("approved",)
    search_fields = ("element_code", "area__code", "period")
    list_select_related = ("area",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
