"""The home dashboard's figures for an area, shared by the page and the API."""

from __future__ import annotations

from typing import Any

from binhyen.accounts import domain as accounts
from binhyen.areas import domain as areas
from binhyen.areas.models import Area


def summary(area: Area | None) -> dict[str, Any]:
    return {
        "area": {"code": area.code, "name": area.name} if area else {"code": None, "name": "Toàn quốc"},
        "areas": areas.counts(area),
        "accounts": accounts.counts_by_role(area),
        "top_communes": [
            {"code": a.code, "name": a.name, "villages": a.village_count} for a in areas.top_communes(area)
        ],
    }
