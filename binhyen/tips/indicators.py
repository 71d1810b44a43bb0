"""What this app counts for statistics (read by binhyen.stats; see stats/registry.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from binhyen.stats.registry import Derived, Indicator, Source, register, register_derived
from binhyen.tips.models import Category, Tip


def _drill(area: str, start: datetime.date, end: datetime.date, subgroup: str = "", **extra: str) -> str:
    params = {
        "tab": "all",
        "area": area,
        "since": start.isoformat(),
        "until": end.isoformat(),
        "category": subgroup,
    }
    params.update(extra)
    return reverse("tips:queue") + "?" + urlencode({k: v for k, v in params.items() if v})


def _valuable(area: str, start: datetime.date, end: datetime.date, subgroup: str = "") -> str:
    return _drill(area, start, end, subgroup, valuable="1")


def _categories() -> dict[str, str]:
    return dict(Category.objects.values_list("code", "name"))


register(
    Source(
        key="tips",
        model=Tip,
        date_field="received_at",
        indicators=[
            Indicator(
                "tips",
                _("Tips received"),
                _("tips"),
                subgroup="category__code",
                subgroup_labels=_categories,
                group=_("Tips"),
                drill=_drill,
            ),
            Indicator(
                "tips_valuable",
                _("Valuable tips"),
                _("tips"),
                filter=Q(valuable=True),
                subgroup="category__code",
                subgroup_labels=_categories,
                group=_("Tips"),
                drill=_valuable,
            ),
        ],
    )
)
register_derived(
    Derived(
        "tips_valuable_pct", _("Share of tips that were valuable"), "tips_valuable", "tips", group=_("Tips")
    )
)
