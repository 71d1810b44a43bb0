"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.patrols.models import PatrolLog
from binhyen.stats.registry import Indicator, Source, register


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area, "from": start.isoformat(), "to": end.isoformat()}
    params.update(extra)
    return reverse("patrols:hours") + "?" + urlencode({k: v for k, v in params.items() if v})


register(
    Source(
        key="patrols",
        model=PatrolLog,
        date_field="started_at",
        indicators=[
            Indicator("patrols", _("Patrols logged"), _("patrols"), group=_("Patrols"), drill=_drill),
        ],
    )
)
