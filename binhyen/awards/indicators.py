"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.awards.models import AwardKind, AwardProposal, Status
from binhyen.stats.registry import Indicator, Source, register


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area, "from": start.isoformat(), "to": end.isoformat(), "award_kind": subgroup}
    params.update(extra)
    return reverse("awards:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def _kinds() -> dict[str, str]:
    return {str(k): str(v) for k, v in AwardKind.choices}


register(
    Source(
        key="awards",
        model=AwardProposal,
        date_field="decision_date",
        indicators=[
            Indicator(
                "awards",
                _("Awards decided"),
                _("awards"),
                filter=Q(status=Status.DECIDED),
                subgroup="award_kind",
                subgroup_labels=_kinds,
                group=_("Awards"),
                drill=_drill,
            ),
            Indicator(
                "award_proposals",
                _("Award proposals"),
                _("proposals"),
                date_field="proposed_on",
                subgroup="award_kind",
                subgroup_labels=_kinds,
                group=_("Awards"),
                drill=_drill,
            ),
        ],
    )
)
