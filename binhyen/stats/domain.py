"""What views, the API and reports share: choosing an area and a period, and who may see the figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.accounts.permissions import Perm, has_perm, home_area
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from binhyen.stats import periods, query, registry, rollup
from binhyen.stats.periods import Period, PeriodError, PeriodKind


class StatsError(ValueError):
    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


@dataclass
class Selection:
    area: Area | None  # None: the whole country
    period: Period  # what is counted: a period still running is cut at today
    chosen: str = ""  # the period id that was asked for

    @property
    def path(self) -> str:
        return self.area.path if self.area else ""

    @property
    def code(self) -> str:
        return self.area.code if self.area else ""

    @property
    def area_name(self) -> str:
        return self.area.name if self.area else _("Whole country")


def default_period(today: datetime.date | None = None) -> Period:
    """From the start of the current police year to today: what an officer is asked for most often."""
    today = today or timezone.localdate()
    start = periods.current(PeriodKind.POLICE_YEAR, today).start
    return periods.parse(f"{start:%Y%m%d}_{today:%Y%m%d}")


def parse_period(text: str, start: str = "", end: str = "") -> Period:
    """A period id ("2021P03", "2021Q1", "2021") or a from–to pair of ISO dates."""
    try:
        if start or end:
            try:
                a, b = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
            except ValueError:
                raise StatsError(_("Enter both dates of the range as dd/mm/yyyy."), "from") from None
            return periods.parse(f"{a:%Y%m%d}_{b:%Y%m%d}")
        if not text:
            return default_period()
        return periods.parse(text)
    except PeriodError as e:
        raise StatsError(str(e), "period") from None


def select(
    user: Any, area_code: str | None, period_text: str = "", start: str = "", end: str = ""
) -> Selection:
    """The area (default: the user's own) and period asked for, checked against the user's scope."""
    code = (area_code or "").strip()
    if area_code is None:
        area = home_area(user)
    elif code:
        try:
            area = areas.get_area(code)
        except areas.AreaError as e:
            raise StatsError(e.message, "area", 404) from None
    else:
        area = None
    if not has_perm(user, Perm.VIEW_STATS, area):
        raise StatsError(_("You may not view the figures of this area."), "area", 403)
    period = parse_period(period_text, start, end)
    return Selection(area, to_date(period), period.id)


def to_date(period: Period, today: datetime.date | None = None) -> Period:
    """A period still running is counted up to today, and compared with the same dates a year earlier
    (a whole last year against part of this one would read as a fall)."""
    today = today or timezone.localdate()
    if period.start <= today < period.end:
        return periods.parse(f"{period.start:%Y%m%d}_{today:%Y%m%d}")
    return period


def check_indicators(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if not registry.known(c)]
    if unknown:
        raise StatsError(_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)}, "indicators")
    return codes


def area_names(paths: list[str]) -> dict[str, Area]:
    return {a.path: a for a in Area.objects.filter(path__in=[p for p in paths if p])}


def drill(code: str, sel: Selection, subgroup: str = "", area_code: str | None = None) -> str:
    return query.drill_url(
        code, sel.code if area_code is None else area_code, sel.period.start, sel.period.end, subgroup
    )


def freshness() -> dict[str, Any]:
    return {"updated_at": rollup.last_update(), "pending": rollup.pending()}


def recent_periods(kind: str, today: datetime.date | None = None, count: int = 24) -> list[Period]:
    """The latest periods of a kind, newest first, for a select box."""
    today = today or timezone.localdate()
    try:
        latest = periods.current(kind, today)
    except PeriodError:
        return []
    out = [latest]
    while len(out) < count:
        try:
            out.append(out[-1].previous())
        except PeriodError:
            break
    return out


def change_text(change: float | None, vs: str) -> str:
    """ "giảm 19,4% so với cùng kỳ" — how the seeds word a comparison."""
    from binhyen.web.templatetags.binhyen import vn_number  # the reader's language: 19,4 or 19.4

    if change is None:
        return ""
    if abs(change) < 0.05:
        return _("same as %(vs)s") % {"vs": vs}
    word = _("up") if change > 0 else _("down")
    return _("%(word)s %(pct)s%% compared with %(vs)s") % {
        "word": word,
        "pct": vn_number(abs(change), 1),
        "vs": vs,
    }
