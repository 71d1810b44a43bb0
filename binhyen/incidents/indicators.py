"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.incidents.models import CrimeCategory, Incident
from binhyen.stats.registry import Derived, Indicator, Source, register, register_derived

SOCIAL_ORDER = "Tội phạm về trật tự xã hội"  # the group of the seeded taxonomy reports single out


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area, "from": start.isoformat(), "to": end.isoformat(), "category": subgroup}
    params.update(extra)
    return reverse("incidents:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def _cleared(area: str, start: datetime.date, end: datetime.date, subgroup: str = "") -> str:
    return _drill(area, start, end, subgroup, cleared="yes")


def _categories() -> dict[str, str]:
    return dict(CrimeCategory.objects.values_list("code", "name"))


def _ind(code: str, name: Any, unit: Any, **kw: Any) -> Indicator:
    return Indicator(
        code,
        name,
        unit,
        subgroup="category__code",
        subgroup_labels=_categories,
        group=_("Incidents"),
        drill=kw.pop("drill", _drill),
        **kw,
    )


register(
    Source(
        key="incidents",
        model=Incident,
        date_field="occurred_at",
        indicators=[
            _ind("incidents", _("Incidents"), _("cases")),
            _ind(
                "incidents_social_order",
                _("Social-order crimes"),
                _("cases"),
                filter=Q(category__group=SOCIAL_ORDER),
            ),
            _ind(
                "incidents_cleared",
                _("Incidents cleared"),
                _("cases"),
                filter=Q(cleared=True),
                drill=_cleared,
            ),
            _ind("incidents_suspects", _("Suspects"), _("people"), value_field="suspects"),
            _ind("incidents_deaths", _("Deaths"), _("people"), value_field="deaths"),
            _ind("incidents_injuries", _("Injuries"), _("people"), value_field="injuries"),
        ],
    )
)
register_derived(
    Derived(
        "incidents_cleared_pct",
        _("Share of incidents cleared"),
        "incidents_cleared",
        "incidents",
        group=_("Incidents"),
    )
)
