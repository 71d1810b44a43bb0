"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.outreach.models import OutreachSession
from binhyen.stats.registry import Indicator, Source, register


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area, "from": start.isoformat(), "to": end.isoformat()}
    params.update(extra)
    return reverse("outreach:list") + "?" + urlencode({k: v for k, v in params.items() if v})


register(
    Source(
        key="outreach",
        model=OutreachSession,
        date_field="date",
        indicators=[
            Indicator(
                "outreach_sessions", _("Outreach sessions"), _("sessions"), group=_("Outreach"), drill=_drill
            ),
            Indicator(
                "outreach_attendees",
                _("Outreach attendees"),
                _("people"),
                value_field="attendees",
                group=_("Outreach"),
                drill=_drill,
            ),
            Indicator(
                "outreach_leaflets",
                _("Leaflets handed out"),
                _("leaflets"),
                value_field="leaflets",
                group=_("Outreach"),
                drill=_drill,
            ),
        ],
    )
)
