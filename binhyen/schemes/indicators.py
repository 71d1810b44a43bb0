"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.schemes.models import Scheme, SchemeSite, SchemeStatus, SchemeType
from binhyen.stats.registry import STOCK, Indicator, Source, register


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area, "type": subgroup}
    params.update(extra)
    return reverse("schemes:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def _types() -> dict[str, str]:
    return dict(SchemeType.objects.values_list("code", "name"))


# A scheme counts from its start date while it has ever been put to work; retiring it takes it away.
RUNNING = ~Q(status=SchemeStatus.PROPOSED)
register(
    Source(
        key="schemes",
        model=Scheme,
        date_field="start_date",
        indicators=[
            Indicator(
                "schemes",
                _("Schemes running"),
                _("schemes"),
                kind=STOCK,
                filter=RUNNING,
                end_field="retired_at",
                end_filter=Q(status=SchemeStatus.RETIRED),
                subgroup="level",
                group=_("Schemes"),
                drill=_drill,
            ),
            Indicator(
                "schemes_by_type",
                _("Schemes running by type"),
                _("schemes"),
                kind=STOCK,
                filter=RUNNING,
                end_field="retired_at",
                end_filter=Q(status=SchemeStatus.RETIRED),
                subgroup="type__code",
                subgroup_labels=_types,
                group=_("Schemes"),
                drill=_drill,
            ),
        ],
    )
)
register(
    Source(
        key="scheme_sites",
        model=SchemeSite,
        date_field="started_on",
        indicators=[
            Indicator(
                "scheme_sites",
                _("Scheme sites"),
                _("sites"),
                kind=STOCK,
                filter=~Q(scheme__status=SchemeStatus.PROPOSED),
                end_field="ended_on",
                subgroup="scheme__level",
                group=_("Schemes"),
                drill=_drill,
            ),
        ],
    )
)
