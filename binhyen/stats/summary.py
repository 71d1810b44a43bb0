"""Everything a dashboard or a sơ kết / tổng kết report states about one area and period, in one object.

The dashboard, the official report and the benchmark all call `build`, so every number in a report is
the number on the dashboard.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from binhyen.stats import query, registry
from binhyen.stats.query import Figure, PeriodLike

# The headline figures, in the order reports state them (seeds: Bảo Lộc 2021, Đức Trọng).
HEADLINE = [
    "incidents",
    "incidents_social_order",
    "incidents_cleared",
    "incidents_cleared_pct",
    "tips",
    "tips_valuable",
    "tips_valuable_pct",
    "schemes",
    "scheme_sites",
    "organisations",
    "members",
    "cameras",
    "outreach_sessions",
    "outreach_attendees",
    "outreach_leaflets",
    "weapons_surrenders",
    "weapons_guns",
    "weapons_rice_kg",
    "mediation_cases",
    "mediation_successful_pct",
    "awards",
    "patrols",
    "assessed_units",
    "safe_units",
    "safe_units_pct",
]
# Figures broken down by their subgroup in reports (category tables).
BREAKDOWNS = ["incidents", "tips", "schemes", "organisations", "members", "weapons_quantity", "awards"]


@dataclass
class Row:
    key: str
    label: str
    value: float
    last_year: float

    @property
    def change(self) -> float | None:
        return query.change(self.value, self.last_year)


@dataclass
class Breakdown:
    code: str
    name: str
    unit: str
    rows: list[Row]


@dataclass
class Ranked:
    path: str
    value: float


@dataclass
class Summary:
    path: str
    start: datetime.date
    end: datetime.date
    figures: list[Figure]
    breakdowns: list[Breakdown] = field(default_factory=list)
    ranking: dict[str, list[Ranked]] = field(default_factory=dict)  # indicator -> children, largest first

    def figure(self, code: str) -> Figure | None:
        return next((f for f in self.figures if f.code == code), None)

    def groups(self) -> list[tuple[str, list[Figure]]]:
        out: dict[str, list[Figure]] = {}
        for f in self.figures:
            if f.group:
                out.setdefault(f.group, []).append(f)
                continue
            code = "cameras" if f.code == "camera_villages" else f.code
            ind = registry._derived.get(code) or registry.indicator(code)
            out.setdefault(str(ind.group), []).append(f)
        return list(out.items())


def villages_with_cameras(path: str, period: PeriodLike) -> Figure:
    """Villages and residential groups with at least one camera in the registry at the end of a period."""

    def count(p: PeriodLike) -> float:
        by_village = query.breakdown("cameras_by_village", path, p.start, p.end)
        return float(sum(1 for v in by_village.values() if v > 0))

    prev, last = period.previous(), period.same_period_last_year()
    return Figure(
        "camera_villages",
        str(_("Villages with a camera")),
        str(_("villages")),
        count(period),
        count(prev),
        count(last),
    )


def available(codes: list[str]) -> list[str]:
    return [c for c in codes if registry.known(c)]


def build(
    path: str,
    period: PeriodLike,
    codes: list[str] | None = None,
    breakdowns: list[str] | None = None,
    rank: list[str] | None = None,
) -> Summary:
    chosen = available(codes if codes is not None else HEADLINE)
    summary = Summary(path, period.start, period.end, query.figures(chosen, path, period))
    if codes is None and registry.known("cameras_by_village"):
        summary.figures.append(villages_with_cameras(path, period))
    if codes is None:
        for provider in registry.figure_providers():
            summary.figures += provider(path, period)
    last = period.same_period_last_year()
    for code in available(breakdowns if breakdowns is not None else BREAKDOWNS):
        ind = registry.indicator(code)
        labels = ind.subgroup_labels() if ind.subgroup_labels else {}
        now = query.breakdown(code, path, period.start, period.end)
        before = query.breakdown(code, path, last.start, last.end)
        keys = list(now) + [k for k in before if k not in now]
        rows = [Row(k, labels.get(k, k), now.get(k, 0.0), before.get(k, 0.0)) for k in keys]
        summary.breakdowns.append(Breakdown(code, str(ind.name), str(ind.unit), rows))
    for code in available(rank if rank is not None else ["incidents", "tips"]):
        values = query.children(code, path, period.start, period.end)
        summary.ranking[code] = [Ranked(p, v) for p, v in sorted(values.items(), key=lambda kv: -kv[1])]
    return summary
