"""The statistics dashboard (/thong-ke/): figures of an area and period with the same period last year,
trends, categories and rankings; every number links to the records it counts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.stats import domain, periods, query, registry, summary
from binhyen.stats.periods import PeriodKind

TREND_MONTHS = 12
TREND = ["incidents", "tips"]


def _selection(request: HttpRequest) -> tuple[domain.Selection | None, dict[str, str]]:
    area = request.GET.get("area")
    try:
        return (
            domain.select(
                request.user,
                area,
                (request.GET.get("period") or "").strip()[:40],
                (request.GET.get("from") or "").strip()[:10],
                (request.GET.get("to") or "").strip()[:10],
            ),
            {},
        )
    except domain.StatsError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        if e.status == 404:
            raise Http404(e.message) from None
        return None, {e.field or "period": e.message}


def _card(f: query.Figure, sel: domain.Selection) -> dict[str, Any]:
    code = "cameras" if f.code == "camera_villages" else f.code
    ind = None if f.group else registry._derived.get(code) or registry.indicator(code)
    return {
        "figure": f,
        "stock": getattr(ind, "kind", "") == registry.STOCK,
        # Figures no indicator describes carry their own link (or none).
        "drill": f.drill if f.group else domain.drill(code, sel),
        "vs_last_year": domain.change_text(f.vs_last_year, _("the same period last year")),
        "vs_previous": domain.change_text(f.vs_previous, _("the previous period")),
        "down_is_good": f.code.startswith("incidents")
        and not f.code.endswith("_pct")
        and f.code != "incidents_cleared",
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.VIEW_STATS):
        raise PermissionDenied(_("You may not view statistics."))
    sel, errors = _selection(request)
    if sel is None:
        sel = domain.select(request.user, request.GET.get("area"), "")
    data = summary.build(sel.path, sel.period)
    groups = [(name, [_card(f, sel) for f in figs]) for name, figs in data.groups()]

    # Trend: police months up to the period's end.
    months = periods.periods_between(PeriodKind.POLICE_MONTH, sel.period.end.replace(day=1), sel.period.end)
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    months = months[-TREND_MONTHS:]
    trend = {
        "labels": [f"{p.end.month}/{p.end.year}" for p in months],
        "series": [
            {"label": str(registry.indicator(c).name), "values": query.series(c, sel.path, months)}
            for c in TREND
            if registry.known(c)
        ],
    }
    breakdown = next((b for b in data.breakdowns if b.code == "incidents"), None)
    compare = None
    if breakdown and breakdown.rows:
        compare = {
            "labels": [r.label for r in breakdown.rows],
            "current": [r.value for r in breakdown.rows],
            "previous": [r.last_year for r in breakdown.rows],
            "current_label": _("This period"),
            "previous_label": _("Same period last year"),
        }
    names = domain.area_names([r.path for rows in data.ranking.values() for r in rows])
    ranking = []
    for code, rows in data.ranking.items():
        items = []
        for r in rows[:30]:
            a = names.get(r.path)
            own = sel.area is not None and r.path == sel.path
            items.append(
                {
                    "name": (_("Managed at this level") if own else a.name if a else r.path),
                    "code": a.code if a else "",
                    "value": r.value,
                    "drill": domain.drill(code, sel, area_code=a.code if a else sel.code),
                }
            )
        ranking.append(
            {
                "code": code,
                "name": registry.indicator(code).name,
                "rows": items,
                "chart": {
                    "labels": [i["name"] for i in items[:15]],
                    "values": [i["value"] for i in items[:15]],
                    "label": str(registry.indicator(code).name),
                },
            }
        )
    chosen_kind = periods.parse(sel.chosen).kind
    default_kind = PeriodKind.POLICE_YEAR if chosen_kind == PeriodKind.CUSTOM else chosen_kind
    kind = (request.GET.get("kind") or default_kind).strip()
    return render(
        request,
        "stats/dashboard.html",
        {
            "sel": sel,
            "errors": errors,
            "groups": groups,
            "breakdowns": data.breakdowns,
            "trend": trend,
            "compare": compare,
            "ranking": ranking,
            "kinds": [(str(k), n) for k, n in periods.KINDS if k != PeriodKind.CUSTOM],
            "kind": kind,
            "recent": domain.recent_periods(kind),
            "breadcrumb": sel.area.ancestors() if sel.area else [],
            "can_view_nation": has_perm(request.user, Perm.VIEW_STATS, None),
            "can_report": has_perm(request.user, Perm.MANAGE_REPORTS, sel.area),
            "last_year": sel.period.same_period_last_year(),
            "previous": sel.period.previous(),
            # For a year, the previous period is last year: one comparison is enough.
            "same_as_last_year": sel.period.previous() == sel.period.same_period_last_year(),
            "freshness": domain.freshness(),
        },
    )
