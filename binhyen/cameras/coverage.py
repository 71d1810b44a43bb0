"""Camera coverage in a few grouped queries, whatever the number of child areas.

`cameras.domain.coverage` asks a handful of queries per child area: fine for a commune's villages, slow for
a province's hundred communes. `coverage_fast` gives the same answer (same dict, same numbers) from four
grouped queries: the children, the cameras grouped by (child path prefix, status, funding) over the
(area_path, status) index, the distinct villages with a camera per child, and the villages per child.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from binhyen.areas.models import Area, Level
from binhyen.cameras import domain
from binhyen.cameras.models import Camera, CameraStatus, Funding


def _within(prefix_field: str, area: Area | None) -> Q:
    if area is None:
        return Q()
    return Q(**{f"{prefix_field}__gte": area.path, f"{prefix_field}__lt": area.path + "z"})


def coverage_fast(area: Area | None) -> dict[str, Any]:
    """Same result as `domain.coverage(area)`; `area=None` is the nation (one row per province)."""
    if area is not None and area.level >= Level.VILLAGE:
        children = [area]
    else:
        children = list(Area.objects.filter(parent=area).order_by("path"))
    rows: list[dict[str, Any]] = []
    if not children:
        return {"area": area, "rows": rows, "total": _total(rows)}
    width = len(children[0].path)  # children of one parent share their level, so their path length
    prefix = Substr("area_path", 1, width)
    cutoff = timezone.now() - domain.stale_after()

    status_n: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    funding_n: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    stale_n: dict[str, int] = defaultdict(int)
    grouped = (
        Camera.objects.filter(_within("area_path", area))
        .annotate(prefix=prefix)
        .values("prefix", "status", "funding")
        .annotate(n=Count("id"), old=Count("id", filter=Q(last_confirmed_at__lt=cutoff)))
        .order_by()
    )
    for g in grouped:
        status_n[g["prefix"]][g["status"]] += g["n"]
        if g["status"] != CameraStatus.REMOVED:
            funding_n[g["prefix"]][g["funding"]] += g["n"]
            stale_n[g["prefix"]] += g["old"]

    covered_n: dict[str, int] = {}
    villages_n: dict[str, int] = {}
    if children[0].level < Level.VILLAGE:  # communes (or provinces): their villages
        covered_n = {
            g["prefix"]: g["n"]
            for g in Camera.objects.filter(_within("area_path", area))
            .exclude(status=CameraStatus.REMOVED)
            .exclude(village=None)
            .annotate(prefix=prefix)
            .values("prefix")
            .annotate(n=Count("village", distinct=True))
            .order_by()
        }
        villages_n = {
            g["prefix"]: g["n"]
            for g in Area.objects.filter(_within("path", area), level=Level.VILLAGE)
            .annotate(prefix=Substr("path", 1, width))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        }

    for child in children:
        key = child.path
        by_status = status_n.get(key, {})
        active = by_status.get(CameraStatus.ACTIVE, 0)
        offline = by_status.get(CameraStatus.OFFLINE, 0)
        in_use = active + offline
        if child.level < Level.VILLAGE:
            villages, covered = villages_n.get(key, 0), covered_n.get(key, 0)
        else:
            villages, covered = 1, (1 if in_use else 0)
        population = child.population or None
        rows.append(
            {
                "area": child,
                "active": active,
                "offline": offline,
                "removed": by_status.get(CameraStatus.REMOVED, 0),
                "stale": stale_n.get(key, 0),
                "by_funding": {f: funding_n.get(key, {}).get(f, 0) for f in Funding.values},
                "villages": villages,
                "villages_covered": covered,
                "per_1000": round(in_use * 1000 / population, 2) if population else None,
            }
        )
    return {"area": area, "rows": rows, "total": _total(rows)}


def _total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {
        key: sum(r[key] for r in rows)
        for key in ("active", "offline", "removed", "stale", "villages", "villages_covered")
    }
    areas = [r for r in rows if r["area"] is not None]
    total["areas_with_cameras"] = sum(1 for r in areas if r["active"] + r["offline"])
    total["areas"] = len(areas)
    return total


def unassigned(area: Area | None) -> dict[str, Any] | None:
    """A commune's cameras entered without a village (the per-village rows leave them out), as a row with
    `area` None; None when there are none."""
    if area is None or area.level != Level.COMMUNE:
        return None
    cutoff = timezone.now() - domain.stale_after()
    grouped = (
        Camera.objects.filter(area_path=area.path)
        .values("status", "funding")
        .annotate(n=Count("id"), old=Count("id", filter=Q(last_confirmed_at__lt=cutoff)))
        .order_by()
    )
    by_status: dict[str, int] = defaultdict(int)
    by_funding = dict.fromkeys(Funding.values, 0)
    stale = 0
    for g in grouped:
        by_status[g["status"]] += g["n"]
        if g["status"] != CameraStatus.REMOVED:
            by_funding[g["funding"]] += g["n"]
            stale += g["old"]
    if not by_status:
        return None
    return {
        "area": None,
        "active": by_status[CameraStatus.ACTIVE],
        "offline": by_status[CameraStatus.OFFLINE],
        "removed": by_status[CameraStatus.REMOVED],
        "stale": stale,
        "by_funding": by_funding,
        "villages": 0,
        "villages_covered": 0,
        "per_1000": None,
    }


def for_display(area: Area | None) -> dict[str, Any]:
    """`coverage_fast` plus, for a commune, a last row for its cameras without a village, so that the
    totals are the commune's."""
    result = coverage_fast(area)
    extra = unassigned(area)
    if extra is None:
        return result
    rows = [*result["rows"], extra]
    return {"area": area, "rows": rows, "total": _total(rows)}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """What the totals row shows beyond `total`: cameras by funding, in use, and per 1,000 residents over
    the rows whose population is known."""
    rows = result["rows"]
    by_funding = {f: sum(r["by_funding"][f] for r in rows) for f in Funding.values}
    in_use = result["total"]["active"] + result["total"]["offline"]
    known = [r for r in rows if r["area"] is not None and r["area"].population]
    population = sum(r["area"].population for r in known)
    in_use_known = sum(r["active"] + r["offline"] for r in known)
    return {
        "by_funding": by_funding,
        "in_use": in_use,
        "population": population or None,
        "per_1000": round(in_use_known * 1000 / population, 2) if population else None,
        "population_rows": len(known),
    }
