"""Forms for the web pages (validation only: the rules live in the domain modules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.audit.models import Action


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All actions")), *Action.choices])
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60,
                                  help_text=_("for example areas.area, accounts.user"))
    since = forms.DateField(label=_("From date"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    until = forms.DateField(label=_("To date"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("To date: must not be before the from date."))
        return data

    def filters(self) -> dict[str, Any]:
        """Arguments for audit.export.filtered (only call when the form is valid)."""
        data = self.cleaned_data
        return {
            "action": data.get("action") or None,
            "actor": (data.get("actor") or "").strip() or None,
            "object_type": (data.get("object_type") or "").strip() or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }
