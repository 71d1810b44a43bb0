"""/api/v1/stats: the indicator catalogue and figures of an area and period, read from the rollups."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.problems import ApiProblem
from binhyen.stats import domain, query, registry, summary

router = Router(tags=["stats"])


def _select(request: HttpRequest, area: str | None, period: str) -> domain.Selection:
    try:
        return domain.select(request.user, area, period)
    except domain.StatsError as e:
        if e.status == 422:
            raise ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}]) from None
        raise ApiProblem(e.status, e.message) from None


def _indicator(code: str) -> str:
    try:
        return domain.check_indicators([code])[0]
    except domain.StatsError as e:
        raise ApiProblem(422, e.message, errors=[{"field": "indicator", "message": e.message}]) from None


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    kind: str  # flow, stock or ratio
    group: str
    subgroups: dict[str, str]


class PeriodOut(Schema):
    id: str
    label: str
    start: datetime.date
    end: datetime.date


class FigureOut(Schema):
    indicator: str
    name: str
    unit: str
    value: float | None
    previous: float | None
    same_period_last_year: float | None
    change_vs_previous_pct: float | None
    change_vs_last_year_pct: float | None
    records_url: str


class FiguresOut(Schema):
    area: str
    area_name: str
    period: PeriodOut
    previous: PeriodOut
    same_period_last_year: PeriodOut
    figures: list[FigureOut]


class ValueOut(Schema):
    key: str
    name: str
    value: float


class BreakdownOut(Schema):
    indicator: str
    area: str
    period: PeriodOut
    items: list[ValueOut]


def _period(p: Any) -> dict[str, Any]:
    return {"id": p.id, "label": p.label, "start": p.start, "end": p.end}


@router.get("/indicators", response=list[IndicatorOut], auth=STAFF_AUTH)
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    if not has_perm(request.user, Perm.VIEW_STATS):
        raise ApiProblem(403, "Bạn không có quyền xem thống kê.")
    out = [
        {
            "code": i.code,
            "name": str(i.name),
            "unit": str(i.unit),
            "kind": i.kind,
            "group": str(i.group),
            "subgroups": i.subgroup_labels() if i.subgroup_labels else {},
        }
        for i in registry.indicators()
    ]
    out += [
        {
            "code": d.code,
            "name": str(d.name),
            "unit": "%",
            "kind": "ratio",
            "group": str(d.group),
            "subgroups": {},
        }
        for d in registry.derived()
    ]
    return out


@router.get("/figures", response=FiguresOut, auth=STAFF_AUTH)
def stats_figures(
    request: HttpRequest, area: str | None = None, period: str = "", indicators: str = ""
) -> dict[str, Any]:
    """Figures with the previous period and the same period last year. `area`: a unit code ("" for the
    country; omitted: the caller's own area);
    `period`: a period id (2021, 2021Q1, 202103, 2021P03, 2021PS1, 20210101_20210630)."""
    sel = _select(request, area, period)
    codes = [c.strip() for c in indicators.split(",") if c.strip()]
    try:
        codes = domain.check_indicators(codes) if codes else summary.available(summary.HEADLINE)
    except domain.StatsError as e:
        raise ApiProblem(422, e.message, errors=[{"field": "indicators", "message": e.message}]) from None
    figures = query.figures(codes, sel.path, sel.period)
    return {
        "area": sel.code,
        "area_name": sel.area_name,
        "period": _period(sel.period),
        "previous": _period(sel.period.previous()),
        "same_period_last_year": _period(sel.period.same_period_last_year()),
        "figures": [
            {
                "indicator": f.code,
                "name": f.name,
                "unit": f.unit,
                "value": f.value,
                "previous": f.previous,
                "same_period_last_year": f.last_year,
                "change_vs_previous_pct": f.vs_previous,
                "change_vs_last_year_pct": f.vs_last_year,
                "records_url": domain.drill(f.code, sel),
            }
            for f in figures
        ],
    }


@router.get("/breakdown", response=BreakdownOut, auth=STAFF_AUTH)
def stats_breakdown(
    request: HttpRequest, indicator: str, area: str | None = None, period: str = ""
) -> dict[str, Any]:
    """One figure split by its subgroup (category, type, level)."""
    code = _indicator(indicator)
    sel = _select(request, area, period)
    if code in registry._derived:
        raise ApiProblem(422, "Chỉ tiêu tỷ lệ không chia theo nhóm.", errors=[{"field": "indicator"}])
    ind = registry.indicator(code)
    labels = ind.subgroup_labels() if ind.subgroup_labels else {}
    values = query.breakdown(code, sel.path, sel.period.start, sel.period.end)
    return {
        "indicator": code,
        "area": sel.code,
        "period": _period(sel.period),
        "items": [{"key": k, "name": labels.get(k, k), "value": v} for k, v in values.items()],
    }


@router.get("/children", response=BreakdownOut, auth=STAFF_AUTH)
def stats_children(
    request: HttpRequest, indicator: str, area: str | None = None, period: str = ""
) -> dict[str, Any]:
    """One figure for each unit one level down (a ranking)."""
    code = _indicator(indicator)
    sel = _select(request, area, period)
    if code in registry._derived:
        raise ApiProblem(422, "Chỉ tiêu tỷ lệ: hãy hỏi tử số và mẫu số.", errors=[{"field": "indicator"}])
    values = query.children(code, sel.path, sel.period.start, sel.period.end)
    names = domain.area_names(list(values))
    items = []
    for path, v in sorted(values.items(), key=lambda kv: -kv[1]):
        a = names.get(path)
        items.append({"key": a.code if a else sel.code, "name": a.name if a else sel.area_name, "value": v})
    return {"indicator": code, "area": sel.code, "period": _period(sel.period), "items": items}
