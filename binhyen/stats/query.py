"""Reading figures from the rollup rows: one area (by path, "" is the nation), one date range.

A range is answered from whole calendar months plus the days at its edges; a stock indicator's value at a
date is the sum of everything up to that date. Every function here reads `Count` only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q, Sum

from binhyen.areas.models import Area
from binhyen.stats import registry
from binhyen.stats.models import Count
from binhyen.stats.registry import STOCK
from binhyen.stats.rollup import depth_of

EPOCH = datetime.date(1900, 1, 1)


class PeriodLike(Protocol):
    @property
    def start(self) -> datetime.date: ...

    @property
    def end(self) -> datetime.date: ...

    def previous(self) -> Any: ...

    def same_period_last_year(self) -> Any: ...


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def range_parts(start: datetime.date, end: datetime.date) -> list[Q]:
    """Rows that together cover [start, end]: whole months inside it, days at the edges.

    Separate conditions, each read by its own query: an OR of them makes SQLite scan the table instead
    of walking the (indicator, grain, depth, path, …, day) index once per part."""
    if end < start:
        return []
    first_full = start if start.day == 1 else _next_month(start)
    after = end + datetime.timedelta(days=1)
    full_end = after if after.day == 1 else after.replace(day=1)  # exclusive
    if first_full < full_end:
        parts = [Q(grain="m", day__gte=first_full, day__lt=full_end)]
        if start < first_full:
            parts.append(Q(grain="d", day__gte=start, day__lt=first_full))
        if full_end <= end:
            parts.append(Q(grain="d", day__gte=full_end, day__lte=end))
        return parts
    return [Q(grain="d", day__gte=start, day__lte=end)]


def range_q(start: datetime.date, end: datetime.date) -> Q:
    """The same rows as one condition (for callers that need a single filter)."""
    q = Q(pk__in=[])
    for part in range_parts(start, end):
        q |= part
    return q


def _window(code: str, start: datetime.date, end: datetime.date) -> list[Q]:
    if registry.indicator(code).kind == STOCK:
        return range_parts(EPOCH, end)  # the stock at the end of the period
    return range_parts(start, end)


def _scaled(code: str, raw: int | None) -> float:
    scale = registry.indicator(code).scale
    value = raw or 0
    return value / scale if scale != 1 else float(value)


def values(
    codes: Iterable[str], path: str, start: datetime.date, end: datetime.date, subgroup: str = ""
) -> dict[str, float]:
    """Several indicators for one area and range, in two queries (flows, stocks)."""
    stored = [c for c in codes if c in registry._indicators]
    out = dict.fromkeys(stored, 0.0)
    depth = depth_of(path)
    for kind_codes, window in (
        ([c for c in stored if registry.indicator(c).kind != STOCK], range_parts(start, end)),
        ([c for c in stored if registry.indicator(c).kind == STOCK], range_parts(EPOCH, end)),
    ):
        if not kind_codes:
            continue
        for part in window:
            rows = (
                Count.objects.filter(
                    part, indicator__in=kind_codes, depth=depth, path=path, subgroup=subgroup
                )
                .values("indicator")
                .annotate(v=Sum("value"))
                .values_list("indicator", "v")
            )
            for code, v in rows:
                out[code] += _scaled(code, v)
    return out


def value(code: str, path: str, start: datetime.date, end: datetime.date, subgroup: str = "") -> float:
    if code in registry._derived:
        d = registry.derived_one(code)
        both = values([d.numerator, d.denominator], path, start, end)
        return ratio(both[d.numerator], both[d.denominator], d.percent) or 0.0
    return values([code], path, start, end, subgroup).get(code, 0.0)


def breakdown(code: str, path: str, start: datetime.date, end: datetime.date) -> dict[str, float]:
    """The figure split by its subgroup (category), largest first."""
    out: dict[str, float] = defaultdict(float)
    for part in _window(code, start, end):
        rows = (
            Count.objects.filter(part, indicator=code, depth=depth_of(path), path=path)
            .exclude(subgroup="")
            .values("subgroup")
            .annotate(v=Sum("value"))
            .values_list("subgroup", "v")
        )
        for sub, v in rows:
            out[sub] += _scaled(code, v)
    return dict(sorted(((k, v) for k, v in out.items() if v), key=lambda kv: -kv[1]))


def children(
    code: str, path: str, start: datetime.date, end: datetime.date, subgroup: str = ""
) -> dict[str, float]:
    """The figure for each unit one level down (communes of a province, provinces of the nation).

    Records kept at the parent itself (a scheme managed by the province) appear under the parent's own
    path.
    """
    depth = depth_of(path) + 1
    if depth > 3:
        return {}
    # The units one level down by name (an exact path per unit walks the index; a path range would read
    # every unit's rows of the period), plus the parent's own row.
    units = Area.objects.filter(parent__path=path) if path else Area.objects.filter(parent__isnull=True)
    paths = [*units.values_list("path", flat=True), path]
    out: dict[str, float] = defaultdict(float)
    for part in _window(code, start, end):
        rows = (
            Count.objects.filter(part, depth=depth, path__in=paths, indicator=code, subgroup=subgroup)
            .values("path")
            .annotate(v=Sum("value"))
            .values_list("path", "v")
        )
        for p, v in rows:
            out[p] += _scaled(code, v)
    return {p: v for p, v in out.items() if v}


def ratio(numerator: float, denominator: float, percent: bool = True) -> float | None:
    if not denominator:
        return None
    return numerator / denominator * (100 if percent else 1)


def change(now: float | None, before: float | None) -> float | None:
    """Percentage change; None when there is nothing to compare with."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before * 100


@dataclass
class Figure:
    code: str
    name: str
    unit: str
    value: float | None
    previous: float | None
    last_year: float | None
    derived: bool = False
    percent: bool = False
    group: str = ""  # for figures that no indicator describes (data set elements)
    drill: str = ""  # their records' page

    @property
    def vs_previous(self) -> float | None:
        return None if self.percent else change(self.value, self.previous)

    @property
    def vs_last_year(self) -> float | None:
        return None if self.percent else change(self.value, self.last_year)


def figures(codes: Sequence[str], path: str, period: PeriodLike) -> list[Figure]:
    """Each figure with the previous period and the same period a year earlier (cùng kỳ)."""
    prev, last = period.previous(), period.same_period_last_year()
    wanted: list[str] = []
    for code in codes:
        if code in registry._derived:
            d = registry.derived_one(code)
            wanted += [d.numerator, d.denominator]
        else:
            wanted.append(code)
    now_v = values(wanted, path, period.start, period.end)
    prev_v = values(wanted, path, prev.start, prev.end)
    last_v = values(wanted, path, last.start, last.end)
    out = []
    for code in codes:
        if code in registry._derived:
            d = registry.derived_one(code)

            def r(vals: dict[str, float], d: registry.Derived = d) -> float | None:
                return ratio(vals.get(d.numerator, 0), vals.get(d.denominator, 0), d.percent)

            out.append(
                Figure(
                    code,
                    str(d.name),
                    "%" if d.percent else "",
                    r(now_v),
                    r(prev_v),
                    r(last_v),
                    True,
                    d.percent,
                )
            )
        else:
            ind = registry.indicator(code)
            out.append(
                Figure(
                    code,
                    str(ind.name),
                    str(ind.unit),
                    now_v.get(code, 0.0),
                    prev_v.get(code, 0.0),
                    last_v.get(code, 0.0),
                )
            )
    return out


def series(code: str, path: str, periods: Sequence[PeriodLike]) -> list[float]:
    """One value per period (a trend line). One query per period; periods are few (≤ 36)."""
    return [value(code, path, p.start, p.end) for p in periods]


def by_subgroup_series(code: str, path: str, periods: Sequence[PeriodLike]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(periods))
    for i, p in enumerate(periods):
        for sub, v in breakdown(code, path, p.start, p.end).items():
            out[sub][i] = v
    return dict(out)


def drill_url(code: str, area_code: str, start: datetime.date, end: datetime.date, subgroup: str = "") -> str:
    """Where the records behind a figure are listed (the records' own pages apply their access rules)."""
    if code in registry._derived:
        code = registry.derived_one(code).denominator
    ind = registry.indicator(code)
    if ind.drill is None:
        return ""
    return ind.drill(area_code, start, end, subgroup)
