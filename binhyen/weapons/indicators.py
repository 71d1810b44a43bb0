"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.stats.registry import Indicator, Source, register
from binhyen.weapons.models import ItemType, WeaponSurrender

GUNS = [ItemType.MILITARY_GUN, ItemType.HOMEMADE_GUN, ItemType.HUNTING_GUN, ItemType.AIRGUN]


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {"area": area, "from": start.isoformat(), "to": end.isoformat(), "item_type": subgroup}
    params.update(extra)
    return reverse("weapons:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def _types() -> dict[str, str]:
    return {str(k): str(v) for k, v in ItemType.choices}


register(
    Source(
        key="weapons",
        model=WeaponSurrender,
        date_field="date",
        indicators=[
            Indicator(
                "weapons_surrenders",
                _("Weapons hand-ins"),
                _("hand-ins"),
                subgroup="item_type",
                subgroup_labels=_types,
                group=_("Weapons"),
                drill=_drill,
            ),
            # Quantities of different item types only add up within one type: read it by subgroup.
            Indicator(
                "weapons_quantity",
                _("Items handed in (by type)"),
                "",
                value_field="quantity",
                scale=1000,
                subgroup="item_type",
                subgroup_labels=_types,
                group=_("Weapons"),
                drill=_drill,
            ),
            Indicator(
                "weapons_guns",
                _("Guns handed in"),
                _("guns"),
                value_field="quantity",
                filter=Q(item_type__in=GUNS),
                group=_("Weapons"),
                drill=_drill,
            ),
            Indicator(
                "weapons_rice_kg",
                _("Rice given in exchange"),
                "kg",
                value_field="rice_kg",
                scale=100,
                group=_("Weapons"),
                drill=_drill,
            ),
        ],
    )
)
