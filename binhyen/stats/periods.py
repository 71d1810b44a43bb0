"""Reporting periods: the police statistical calendar, calendar/DHIS2 periods, assessment windows, ranges.

Pure Python (Django is used only for translations and the local date), no models. A `Period` is an
immutable `(kind, start, end)` with INCLUSIVE local dates; its `id` is a short stable string that `parse`
reads back (`parse(p.id) == p` for every period).

Kinds and ids (`yyyy` is the year the period is named after, 1990–2100):

- Police statistical calendar (kỳ thống kê ngành Công an), periods run from the 15th to the 14th:
  police month `2021P03` = 15/02/2021 – 14/03/2021; police quarter `2021PQ1` = 15/12/2020 – 14/03/2021;
  police half-year `2021PS1` = 15/12/2020 – 14/06/2021, `2021PS2` = 15/06/2021 – 14/12/2021;
  police year `2021P` = 15/12/2020 – 14/12/2021.
- Calendar periods, with their DHIS2 period ids: day `20210315`, ISO week `2021W5` (Monday to Sunday,
  `2021W05` is read too), month `202103`, quarter `2021Q1`, half-year `2021S1`, year `2021`, and the
  financial year starting in November `2021Nov` = 01/11/2020 – 31/10/2021. DHIS2 names a November
  financial year after the year it ENDS in (dhis2-core `FinancialNovemberPeriodType.getIsoDate` formats
  the start year + 1), unlike `2021April` which starts in April 2021.
- Assessment windows (kỳ đánh giá), named after the year they end in: residential areas `2021AR` =
  01/11/2020 – 31/10/2021; communes, agencies and schools `2021AC` = 16/11/2020 – 15/11/2021.
- Custom ranges `20210101_20210630` (start_end, both inclusive).

Labels and error messages go through gettext with English msgids (Vietnamese is the default language);
dates in labels are written dd/mm/yyyy in every language.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "KINDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "Period",
    "PeriodError",
    "PeriodKind",
    "containing",
    "current",
    "format_date",
    "kind_name",
    "parse",
    "periods_between",
    "to_dhis2",
]

MIN_YEAR = 1990
MAX_YEAR = 2100

ONE_DAY = timedelta(days=1)


class PeriodError(ValueError):
    """A period id, kind or range that makes no sense; the message is translated (Vietnamese first)."""


class PeriodKind(StrEnum):
    # Calendar periods (DHIS2-native)
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"
    FINANCIAL_NOV = "financial_nov"
    # Police statistical calendar (15th – 14th)
    POLICE_MONTH = "police_month"
    POLICE_QUARTER = "police_quarter"
    POLICE_HALF_YEAR = "police_half_year"
    POLICE_YEAR = "police_year"
    # Assessment windows
    ASSESSMENT_RESIDENTIAL = "assessment_residential"
    ASSESSMENT_COMMUNE = "assessment_commune"
    # Free range
    CUSTOM = "custom"


K = PeriodKind

#: Kinds with their (lazy, Vietnamese-first) names, in the order of a select box.
KINDS: tuple[tuple[PeriodKind, StrPromise], ...] = (
    (K.POLICE_MONTH, gettext_lazy("Police statistical month (15th to 14th)")),
    (K.POLICE_QUARTER, gettext_lazy("Police statistical quarter")),
    (K.POLICE_HALF_YEAR, gettext_lazy("Police statistical half-year")),
    (K.POLICE_YEAR, gettext_lazy("Police statistical year (15/12 to 14/12)")),
    (K.DAY, gettext_lazy("Day")),
    (K.WEEK, gettext_lazy("Week (ISO, Monday to Sunday)")),
    (K.MONTH, gettext_lazy("Calendar month")),
    (K.QUARTER, gettext_lazy("Calendar quarter")),
    (K.HALF_YEAR, gettext_lazy("Calendar half-year")),
    (K.YEAR, gettext_lazy("Calendar year")),
    (K.FINANCIAL_NOV, gettext_lazy("Financial year starting in November (DHIS2)")),
    (K.ASSESSMENT_RESIDENTIAL, gettext_lazy("Residential area assessment (01/11 to 31/10)")),
    (K.ASSESSMENT_COMMUNE, gettext_lazy("Commune, agency and school assessment (16/11 to 15/11)")),
    (K.CUSTOM, gettext_lazy("Custom date range")),
)

#: Kinds that DHIS2 knows, in the order `to_dhis2` tries them.
DHIS2_KINDS: tuple[PeriodKind, ...] = (
    K.DAY,
    K.WEEK,
    K.MONTH,
    K.QUARTER,
    K.HALF_YEAR,
    K.YEAR,
    K.FINANCIAL_NOV,
)

# Month-based kinds: months per period, and whether they follow the police calendar (15th – 14th).
_SPANS: dict[PeriodKind, tuple[int, bool]] = {
    K.MONTH: (1, False),
    K.QUARTER: (3, False),
    K.HALF_YEAR: (6, False),
    K.YEAR: (12, False),
    K.POLICE_MONTH: (1, True),
    K.POLICE_QUARTER: (3, True),
    K.POLICE_HALF_YEAR: (6, True),
    K.POLICE_YEAR: (12, True),
}

# Year-long windows named after the year they end in: (month, day) they start on.
_ANCHORED: dict[PeriodKind, tuple[int, int]] = {
    K.FINANCIAL_NOV: (11, 1),
    K.ASSESSMENT_RESIDENTIAL: (11, 1),
    K.ASSESSMENT_COMMUNE: (11, 16),
}

_ROMAN = ("I", "II", "III", "IV")


# --- small helpers ----------------------------------------------------------------------------------


def format_date(day: date) -> str:
    """A date the Vietnamese way, dd/mm/yyyy."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def kind_name(kind: PeriodKind | str) -> str:
    """The translated name of a kind (for headings and select boxes)."""
    k = _kind(kind)
    return next(str(name) for value, name in KINDS if value == k)


def _kind(kind: PeriodKind | str) -> PeriodKind:
    try:
        return PeriodKind(kind)
    except ValueError:
        raise PeriodError(_("Unknown period kind “%(kind)s”.") % {"kind": kind}) from None


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            _("Year %(year)d is outside the supported range %(min)d–%(max)d.")
            % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR}
        )


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _iso_weeks(year: int) -> int:
    """Number of ISO weeks (52 or 53) in an ISO year: 28 December is always in the last one."""
    return date(year, 12, 28).isocalendar().week


def _minus_one_year(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _as_date(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError("periods work on local dates: pass timezone.localdate(value), not a datetime")
    return day


# --- the (year, n) key of a fixed period and its bounds -----------------------------------------------


def _key(kind: PeriodKind, day: date) -> tuple[int, int]:
    """(year the period is named after, number within that year) of the period of `kind` holding `day`."""
    if kind is K.DAY:
        return day.year, day.timetuple().tm_yday
    if kind is K.WEEK:
        iso = day.isocalendar()
        return iso.year, iso.week
    if kind in _SPANS:
        months, police = _SPANS[kind]
        if police and day.day >= 15:  # from the 15th on, a day counts in the next month
            year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        else:
            year, month = day.year, day.month
        return year, (month - 1) // months + 1
    if kind in _ANCHORED:
        start = _ANCHORED[kind]
        return (day.year + 1 if (day.month, day.day) >= start else day.year), 1
    raise PeriodError(_("A custom range has no fixed periods; give its start and end dates instead."))


def _count(kind: PeriodKind, year: int) -> int:
    """How many periods of `kind` are named after `year` (their n runs from 1 to this)."""
    if kind is K.DAY:
        return 366 if calendar.isleap(year) else 365
    if kind is K.WEEK:
        return _iso_weeks(year)
    if kind in _SPANS:
        return 12 // _SPANS[kind][0]
    return 1


def _bounds(kind: PeriodKind, year: int, n: int) -> tuple[date, date]:
    """First and last day of period n of `year` (n already checked)."""
    if kind is K.DAY:
        day = date(year, 1, 1) + timedelta(days=n - 1)
        return day, day
    if kind is K.WEEK:
        monday = date.fromisocalendar(year, n, 1)
        return monday, monday + timedelta(days=6)
    if kind in _SPANS:
        months, police = _SPANS[kind]
        first, last = (n - 1) * months + 1, n * months
        if police:
            start = date(year - 1, 12, 15) if first == 1 else date(year, first - 1, 15)
            return start, date(year, last, 14)
        return date(year, first, 1), _last_day(year, last)
    start_month, start_day = _ANCHORED[kind]
    return date(year - 1, start_month, start_day), date(year, start_month, start_day) - ONE_DAY


def _check_n(kind: PeriodKind, year: int, n: int) -> None:
    count = _count(kind, year)
    if 1 <= n <= count:
        return
    if kind is K.WEEK:
        message = _("Week %(n)d does not exist in %(year)d: that year has %(weeks)d ISO weeks.")
        raise PeriodError(message % {"n": n, "year": year, "weeks": count})
    months = _SPANS[kind][0]
    if months == 1:
        message = _("Month %(n)d does not exist: months run from 1 to 12.")
    elif months == 3:
        message = _("Quarter %(n)d does not exist: quarters run from 1 to 4.")
    else:
        message = _("Half-year %(n)d does not exist: use 1 (first half) or 2 (second half).")
    raise PeriodError(message % {"n": n})


def _make(kind: PeriodKind, year: int, n: int) -> Period:
    _check_year(year)
    _check_n(kind, year, n)
    start, end = _bounds(kind, year, n)
    return Period(kind, start, end)


# --- ids and labels ---------------------------------------------------------------------------------


def _format_id(kind: PeriodKind, year: int, n: int, start: date) -> str:
    match kind:
        case K.DAY:
            return f"{start:%Y%m%d}"
        case K.WEEK:
            return f"{year}W{n}"
        case K.MONTH:
            return f"{year}{n:02d}"
        case K.QUARTER:
            return f"{year}Q{n}"
        case K.HALF_YEAR:
            return f"{year}S{n}"
        case K.YEAR:
            return f"{year}"
        case K.POLICE_MONTH:
            return f"{year}P{n:02d}"
        case K.POLICE_QUARTER:
            return f"{year}PQ{n}"
        case K.POLICE_HALF_YEAR:
            return f"{year}PS{n}"
        case K.POLICE_YEAR:
            return f"{year}P"
        case K.FINANCIAL_NOV:
            return f"{year}Nov"
        case K.ASSESSMENT_RESIDENTIAL:
            return f"{year}AR"
        case K.ASSESSMENT_COMMUNE:
            return f"{year}AC"
    raise AssertionError(kind)  # pragma: no cover - custom ids are built by Period.id


def _span_label(months: int, year: int, n: int) -> str:
    if months == 1:
        return _("Month %(month)d/%(year)d") % {"month": n, "year": year}
    if months == 3:
        return _("Quarter %(numeral)s/%(year)d") % {"numeral": _ROMAN[n - 1], "year": year}
    if months == 6:
        if n == 1:
            return _("First half of %(year)d") % {"year": year}
        return _("Second half of %(year)d") % {"year": year}
    return _("Year %(year)d") % {"year": year}


def _label(kind: PeriodKind, year: int, n: int, start: date, end: date) -> str:
    dates = {"start": format_date(start), "end": format_date(end), "year": year}
    if kind in _SPANS:
        months, police = _SPANS[kind]
        label = _span_label(months, year, n)
        if police:
            label = _("%(label)s (police period: %(start)s – %(end)s)") % {**dates, "label": label}
        return label
    match kind:
        case K.DAY:
            return _("Day %(date)s") % {"date": format_date(start)}
        case K.WEEK:
            return _("Week %(week)d/%(year)d (%(start)s – %(end)s)") % {**dates, "week": n}
        case K.FINANCIAL_NOV:
            return _("Financial year November %(first)d – October %(last)d") % {
                "first": start.year,
                "last": end.year,
            }
        case K.ASSESSMENT_RESIDENTIAL:
            return _("Residential area assessment %(year)d (%(start)s – %(end)s)") % dates
        case K.ASSESSMENT_COMMUNE:
            return _("Commune, agency and school assessment %(year)d (%(start)s – %(end)s)") % dates
    return _("From %(start)s to %(end)s") % dates


# --- the period -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """A period of a kind, from `start` to `end`, both INCLUSIVE local dates.

    Constructing one checks it: a non-custom period must be exactly one period of its kind (use
    `containing` or `parse` rather than computing dates), a custom one must not end before it starts, and
    the year it is named after must lie in MIN_YEAR–MAX_YEAR. Raises PeriodError otherwise.
    """

    kind: PeriodKind
    start: date
    end: date

    def __post_init__(self) -> None:
        kind = _kind(self.kind)
        object.__setattr__(self, "kind", kind)
        start, end = _as_date(self.start), _as_date(self.end)
        if end < start:
            raise PeriodError(
                _("The range ends on %(end)s, before it starts on %(start)s.")
                % {"start": format_date(start), "end": format_date(end)}
            )
        if kind is K.CUSTOM:
            _check_year(start.year)
            _check_year(end.year)
            return
        year, n = _key(kind, start)
        _check_year(year)
        if _bounds(kind, year, n) != (start, end):
            raise PeriodError(
                _("%(start)s – %(end)s is not a period of the kind “%(kind)s”.")
                % {"start": format_date(start), "end": format_date(end), "kind": kind_name(kind)}
            )

    # identity ------------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The stable id `parse` reads back ("2021P03", "2021Q1", "20210101_20210630", ...)."""
        if self.kind is K.CUSTOM:
            return f"{self.start:%Y%m%d}_{self.end:%Y%m%d}"
        year, n = _key(self.kind, self.start)
        return _format_id(self.kind, year, n, self.start)

    @property
    def label(self) -> str:
        """Human label in the active language, e.g. "Quý I/2021", "Từ 01/01/2021 đến 30/06/2021"."""
        year, n = (0, 0) if self.kind is K.CUSTOM else _key(self.kind, self.start)
        return _label(self.kind, year, n, self.start, self.end)

    def __str__(self) -> str:
        return self.label

    # size and membership -------------------------------------------------------------------------

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """Whether the local date `day` falls in the period (a datetime is refused: localise it first)."""
        return self.start <= _as_date(day) <= self.end

    # neighbours ----------------------------------------------------------------------------------

    def previous(self) -> Period:
        """The period just before, of the same kind; for a custom range the equal-length range before."""
        if self.kind is K.CUSTOM:
            return Period(K.CUSTOM, self.start - timedelta(days=self.days), self.start - ONE_DAY)
        return containing(self.kind, self.start - ONE_DAY)

    def next(self) -> Period:
        """The period just after, of the same kind; for a custom range the equal-length range after."""
        if self.kind is K.CUSTOM:
            return Period(K.CUSTOM, self.end + ONE_DAY, self.end + timedelta(days=self.days))
        return containing(self.kind, self.end + ONE_DAY)

    def same_period_last_year(self) -> Period:
        """Cùng kỳ năm trước: the same kind and number one year earlier.

        A day or custom range moves both ends back a year (29 February becomes 28 February); ISO week 53
        of a year whose previous year has only 52 weeks maps to week 52.
        """
        if self.kind is K.CUSTOM:
            return Period(K.CUSTOM, _minus_one_year(self.start), _minus_one_year(self.end))
        if self.kind is K.DAY:
            day = _minus_one_year(self.start)
            return Period(K.DAY, day, day)
        year, n = _key(self.kind, self.start)
        return _make(self.kind, year - 1, min(n, _count(self.kind, year - 1)))


# --- public functions -------------------------------------------------------------------------------

_FIXED_IDS: tuple[tuple[re.Pattern[str], PeriodKind], ...] = tuple(
    (re.compile(pattern, re.ASCII), kind)
    for pattern, kind in (
        (r"(?P<year>\d{4})W(?P<n>\d{1,2})", K.WEEK),
        (r"(?P<year>\d{4})(?P<n>\d{2})", K.MONTH),
        (r"(?P<year>\d{4})Q(?P<n>\d)", K.QUARTER),
        (r"(?P<year>\d{4})S(?P<n>\d)", K.HALF_YEAR),
        (r"(?P<year>\d{4})", K.YEAR),
        (r"(?P<year>\d{4})Nov", K.FINANCIAL_NOV),
        (r"(?P<year>\d{4})P(?P<n>\d{2})", K.POLICE_MONTH),
        (r"(?P<year>\d{4})PQ(?P<n>\d)", K.POLICE_QUARTER),
        (r"(?P<year>\d{4})PS(?P<n>\d)", K.POLICE_HALF_YEAR),
        (r"(?P<year>\d{4})P", K.POLICE_YEAR),
        (r"(?P<year>\d{4})AR", K.ASSESSMENT_RESIDENTIAL),
        (r"(?P<year>\d{4})AC", K.ASSESSMENT_COMMUNE),
    )
)
_DAY_ID = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_RANGE_ID = re.compile(r"(\d{8})_(\d{8})", re.ASCII)  # ASCII: no other scripts' digits


def _parse_day(text: str) -> date:
    """yyyyMMdd (already matched as 8 digits) to a date in the supported years."""
    match = _DAY_ID.fullmatch(text)
    assert match is not None
    year, month, day = (int(part) for part in match.groups())
    _check_year(year)
    try:
        return date(year, month, day)
    except ValueError:
        written = f"{match[3]}/{match[2]}/{match[1]}"
        raise PeriodError(_("The date %(date)s does not exist.") % {"date": written}) from None


def parse(period_id: str) -> Period:
    """The period an id names; raises PeriodError (translated message) for anything else.

    Ids are case-sensitive, as in DHIS2; surrounding spaces are ignored.
    """
    text = period_id.strip() if isinstance(period_id, str) else ""
    if match := _RANGE_ID.fullmatch(text):
        return Period(K.CUSTOM, _parse_day(match[1]), _parse_day(match[2]))
    if _DAY_ID.fullmatch(text):
        day = _parse_day(text)
        return Period(K.DAY, day, day)
    for pattern, kind in _FIXED_IDS:
        if match := pattern.fullmatch(text):
            n = match.groupdict().get("n")
            return _make(kind, int(match["year"]), int(n) if n is not None else 1)
    examples = "202103, 2021Q1, 2021P03, 2021AR, 20210101_20210630"
    raise PeriodError(
        _("“%(id)s” is not a period id. Examples: %(examples)s.") % {"id": period_id, "examples": examples}
    )


def containing(kind: PeriodKind | str, day: date) -> Period:
    """The period of `kind` that holds the local date `day` (the police month of 16/03/2021 is 2021P04)."""
    k = _kind(kind)
    year, n = _key(k, _as_date(day))
    return _make(k, year, n)


def current(kind: PeriodKind | str, today: date | None = None) -> Period:
    """The period of `kind` holding `today` (default: today's local date)."""
    return containing(kind, timezone.localdate() if today is None else today)


def periods_between(kind: PeriodKind | str, start: date, end: date) -> list[Period]:
    """Consecutive periods of `kind`, oldest first, from the one holding `start` to the one holding `end`.

    The first and last may stick out of [start, end]; together they tile it without gaps or overlaps.
    """
    if end < start:
        raise PeriodError(
            _("The range ends on %(end)s, before it starts on %(start)s.")
            % {"start": format_date(start), "end": format_date(end)}
        )
    period = containing(kind, start)
    periods = [period]
    while period.end < end:
        period = period.next()
        periods.append(period)
    return periods


def to_dhis2(period: Period) -> str | None:
    """The DHIS2 period id with exactly the same dates, or None when DHIS2 has no such period.

    Decided by dates, not kind: a residential assessment window (01/11 – 31/10) is the DHIS2 financial
    year starting in November, a custom range covering one calendar month is that month; police periods
    (15th – 14th) never match.
    """
    if period.kind in DHIS2_KINDS:
        return period.id
    for kind in DHIS2_KINDS:
        try:
            candidate = containing(kind, period.start)
        except PeriodError:
            continue
        if candidate.start == period.start and candidate.end == period.end:
            return candidate.id
    return None
