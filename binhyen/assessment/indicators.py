"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py).

Flows dated on the approval day (`approved_on`), counted under the unit's area (the village of a
residential area, the commune otherwise), broken down by kind of unit:

- `assessed_units`: approved assessments against a «safe for security and order» standard;
- `safe_units`: those that passed; `safe_units_pct` = safe / assessed;
- `movement_class`: approved movement classifications, by class (excellent, good, average, weak).

`value("safe_units", commune_path, start, end, subgroup="residential")` with
`value("assessed_units", ...)` gives the reports' "164/173".
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.areas.models import Area
from binhyen.assessment.models import Assessment, RubricKind, Status, UnitKind
from binhyen.stats.registry import Derived, Indicator, Source, register, register_derived

GROUP = _("Assessments")
APPROVED_SAFETY = Q(status=Status.APPROVED, rubric_kind=RubricKind.SAFETY)


def _list_url(path: str, start: datetime.date, end: datetime.date, **extra: str) -> str:
    code = Area.objects.filter(path=path).values_list("code", flat=True).first() if path else ""
    params = {"area": code or "", "status": Status.APPROVED, "from": start.isoformat(), "to": end.isoformat()}
    params.update(extra)
    return reverse("assessment:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def _drill_units(path: str, start: datetime.date, end: datetime.date, subgroup: str = "") -> str:
    return _list_url(path, start, end, kind=subgroup, rubric_kind=RubricKind.SAFETY)


def _drill_movement(path: str, start: datetime.date, end: datetime.date, subgroup: str = "") -> str:
    return _list_url(path, start, end, rubric_kind=RubricKind.MOVEMENT, result=subgroup)


def _unit_kinds() -> dict[str, str]:
    return {str(k): str(v) for k, v in UnitKind.choices}


def _classes() -> dict[str, str]:
    from binhyen.assessment.domain import grades_of_movement

    return {g.code: g.label for g in grades_of_movement()}


register(
    Source(
        key="assessment",
        model=Assessment,
        date_field="approved_on",
        indicators=[
            Indicator(
                "assessed_units",
                _("Units assessed for the safety standard"),
                _("units"),
                filter=APPROVED_SAFETY,
                subgroup="unit_kind",
                subgroup_labels=_unit_kinds,
                group=GROUP,
                drill=_drill_units,
            ),
            Indicator(
                "safe_units",
                _("Units safe for security and order"),
                _("units"),
                filter=APPROVED_SAFETY & Q(passed=True),
                subgroup="unit_kind",
                subgroup_labels=_unit_kinds,
                group=GROUP,
                drill=_drill_units,
            ),
            Indicator(
                "movement_class",
                _("Movement classifications"),
                _("units"),
                filter=Q(status=Status.APPROVED, rubric_kind=RubricKind.MOVEMENT),
                subgroup="result_class",
                subgroup_labels=_classes,
                group=GROUP,
                drill=_drill_movement,
            ),
        ],
    )
)
register_derived(
    Derived("safe_units_pct", _("Share of units safe for security and order"), "safe_units", "assessed_units",
            group=GROUP)
)  # fmt: skip
