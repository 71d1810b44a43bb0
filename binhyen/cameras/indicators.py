"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.cameras.models import Camera, CameraStatus
from binhyen.stats.registry import STOCK, Indicator, Source, register


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area}
    params.update(extra)
    return reverse("cameras:list") + "?" + urlencode({k: v for k, v in params.items() if v})


register(
    Source(
        key="cameras",
        model=Camera,
        date_field="created_at",
        indicators=[
            # In the registry from registration until removed (or consent withdrawn).
            Indicator(
                "cameras",
                _("Cameras in the registry"),
                _("cameras"),
                kind=STOCK,
                end_field="status_changed_at",
                end_filter=Q(status=CameraStatus.REMOVED),
                subgroup="owner_kind",
                group=_("Cameras"),
                drill=_drill,
            ),
            # One subgroup per village: the number of villages with a camera is the number of
            # subgroups above zero (read from the rollup rows, never from the cameras table).
            Indicator(
                "cameras_by_village",
                _("Cameras by village"),
                _("cameras"),
                kind=STOCK,
                end_field="status_changed_at",
                end_filter=Q(status=CameraStatus.REMOVED),
                subgroup="village__code",
                group=_("Cameras"),
                drill=_drill,
            ),
            Indicator(
                "cameras_registered", _("Cameras registered"), _("cameras"), group=_("Cameras"), drill=_drill
            ),
        ],
    )
)
