"""Rebuilding one source's rollups from a large table with bounded memory.

`rollup.rebuild` groups in SQL, then accumulates every rollup cell of an indicator in one Python dict
before writing: fine for a commune's data, not for 10 million incidents (tens of millions of cells).
`rebuild_source` writes exactly the same rows (the tests compare them), differently:

- one SQL query per (date field, subgroup) of the source, not one per indicator: indicators that share
  them (incidents, cleared, social order, suspects... all by day of `occurred_at` and category) become
  conditional aggregates of a single GROUP BY over (leaf path, local day, subgroup). An indicator whose
  filter or summed field crosses a multi-valued relation keeps a query of its own, filter in WHERE, as
  `rebuild` does, so that joined rows are counted the same way;
- the queries are ordered by path and streamed (server-side cursors on PostgreSQL), and merged by path.
  Every commune's rows (its own path, then its villages' longer paths) are contiguous in that order, and
  so are every province's communes. The commune and village cells of one commune are accumulated, then
  queued for writing when the next commune starts; the province's cells when the next province starts;
  only the nation's cells (one per indicator, subgroup and day) stay in memory to the end;
- queued cells are written in batches: PostgreSQL `COPY ... FROM STDIN`, SQLite `executemany`.

Local day: PostgreSQL `(col AT TIME ZONE '<TIME_ZONE>')::date` (Django's TruncDate). On SQLite,
TruncDate calls a Python function per row; Django keeps aware datetimes there as UTC text, so
`date(col, '+420 minutes')` gives the local day in C, for a zone with one fixed offset
(Asia/Ho_Chi_Minh: UTC+7, no daylight saving since 1975). A zone whose offset changes across the year
falls back to TruncDate.

Everything happens in one transaction, under the same lock as the incremental job, like `rebuild`.
"""

from __future__ import annotations

import datetime
import heapq
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count as CountAgg
from django.db.models import DateField, F, Func, Q, Sum
from django.db.models.functions import Collate, TruncDate
from django.utils import timezone

from binhyen.stats import rollup
from binhyen.stats.models import Count, Dirty, RollupState
from binhyen.stats.registry import STOCK, Indicator, Source

FLUSH_ROWS = 50_000  # cells queued before a write
FETCH_ROWS = 20_000  # rows fetched per round trip from each streamed query

# (indicator, grain, depth, path, subgroup, day) -> value
CellKey = tuple[str, str, int, str, str, datetime.date]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class _Part:
    """One signed contribution of an indicator: its start date (+1), or its end date for stocks (-1)."""

    indicator: Indicator
    field: str
    sign: int
    where: Q | None  # the indicator's filter, and the end filter for the end part


class LocalDate(Func):
    """SQLite: the local day of a UTC datetime column, `date(col, '+N minutes')`, in C."""

    function = "date"
    output_field = DateField()

    def __init__(self, expression: Any, minutes: int) -> None:
        shift = f"{'+' if minutes >= 0 else '-'}{abs(minutes)} minutes"
        super().__init__(expression, template=f"%(function)s(%(expressions)s, '{shift}')")


def fixed_offset_minutes() -> int | None:
    """The current zone's UTC offset in minutes if it is the same all year (no DST), else None."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    year = timezone.now().year
    offsets = {datetime.datetime(year, month, 1, 12, tzinfo=tz).utcoffset() for month in range(1, 13)}
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return None if offset is None else int(offset.total_seconds() // 60)


def _day_expr(source: Source, field_name: str) -> Any:
    if not rollup._is_datetime(source, field_name):
        return F(field_name)
    if connection.vendor == "sqlite":
        minutes = fixed_offset_minutes()
        if minutes is not None:
            return LocalDate(F(field_name), minutes)
    return TruncDate(field_name)


def _lookup_single_valued(model: Any, lookup: str) -> bool:
    """True when `lookup` ("category__group", "cleared") follows only fields and to-one relations."""
    meta = model._meta
    for part in lookup.split("__"):
        try:
            f = meta.get_field(part)
        except Exception:  # a lookup or transform name (exact, in, year...): the path ends here
            break
        if f.is_relation:
            if f.many_to_many or f.one_to_many:
                return False
            meta = f.related_model._meta
    return True


def _single_valued(model: Any, q: Q | None) -> bool:
    """True when every lookup in `q` follows only fields and forward (to-one) relations."""
    if q is None:
        return True
    for child in q.children:
        if isinstance(child, Q):
            if not _single_valued(model, child):
                return False
        elif not _lookup_single_valued(model, str(child[0])):  # type: ignore[index]
            return False
    return True


def _parts(source: Source) -> list[_Part]:
    out = []
    for ind in source.indicators:
        out.append(_Part(ind, ind.date_field or source.date_field, 1, ind.filter))
        if ind.kind == STOCK and ind.end_field:
            where = ind.filter
            if ind.end_filter is not None:
                where = ind.end_filter if where is None else where & ind.end_filter
            out.append(_Part(ind, ind.end_field, -1, where))
    return out


def _plans(source: Source) -> list[tuple[list[_Part], bool]]:
    """The parts grouped into as few GROUP BY queries as is safe; True: filters as conditional aggregates."""
    model: Any = source.model
    groups: dict[tuple[str, str], list[_Part]] = defaultdict(list)
    alone: list[_Part] = []
    for part in _parts(source):
        value_field = part.indicator.value_field
        if _single_valued(model, part.where) and _lookup_single_valued(model, value_field or "pk"):
            groups[(part.field, part.indicator.subgroup)].append(part)
        else:
            alone.append(part)
    return [(parts, True) for parts in groups.values()] + [([p], False) for p in alone]


def _grouped(source: Source, parts: list[_Part], conditional: bool, where: Q | None, ordered: bool) -> Any:
    """One GROUP BY (leaf path, local day, subgroup) with one aggregate per part: rows of
    (path, day, subgroup if any, v0, v1...)."""
    model: Any = source.model
    path = source.path_field
    first = parts[0]
    qs = model._default_manager.exclude(**{f"{first.field}__isnull": True})
    if where is not None:
        qs = qs.filter(where)
    if not conditional and first.where is not None:
        qs = qs.filter(first.where)
    sub = first.indicator.subgroup
    group = [path, "_day"] + ([sub] if sub else [])
    aggs: dict[str, Any] = {}
    for i, part in enumerate(parts):
        cond = part.where if conditional else None
        ind = part.indicator
        aggs[f"_v{i}"] = Sum(ind.value_field, filter=cond) if ind.value_field else CountAgg("pk", filter=cond)
    rows = qs.annotate(_day=_day_expr(source, first.field)).values(*group).annotate(**aggs)
    if ordered:
        order: Any = Collate(F(path), "C") if connection.vendor == "postgresql" else F(path)
        rows = rows.order_by(order)
    else:
        rows = rows.order_by()
    return rows.values_list(*group, *aggs)


def _queries(source: Source) -> list[tuple[list[_Part], Any]]:
    """Every record of the source, grouped; each query ordered by path."""
    return [(parts, _grouped(source, parts, cond, None, ordered=True)) for parts, cond in _plans(source)]


def _stream(parts: list[_Part], rows: Any) -> Iterator[tuple[str, datetime.date, str, _Part, Any]]:
    has_sub = bool(parts[0].indicator.subgroup)
    n = len(parts)
    for row in rows.iterator(chunk_size=FETCH_ROWS):
        path, day = row[0], row[1]
        sub = str(row[2]) if has_sub and row[2] is not None else ""
        for i in range(n):
            yield path, day, sub, parts[i], row[len(row) - n + i]


class _Writer:
    def __init__(self, progress: Progress | None) -> None:
        self.queue: list[tuple[Any, ...]] = []
        self.written = 0
        self.progress = progress
        self.table = Count._meta.db_table

    def add(self, cells: dict[CellKey, int]) -> None:
        for (code, grain, depth, path, sub, day), value in cells.items():
            if value:
                self.queue.append((code, grain, depth, path, sub, day, value))
        if len(self.queue) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.queue:
            return
        columns = "indicator, grain, depth, path, subgroup, day, value"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw: Any = cursor.cursor
                with raw.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in self.queue:
                        copy.write_row(row)
            else:
                rows = [(*r[:5], r[5].isoformat(), r[6]) for r in self.queue]
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)", rows
                )
        self.written += len(self.queue)
        if self.progress:
            self.progress(len(self.queue))
        self.queue = []


def _add(cells: dict[CellKey, int], code: str, depth: int, path: str, sub: str, day: Any, v: int) -> None:
    month = rollup.month_of(day)
    for s in ("", sub) if sub else ("",):
        cells[(code, "d", depth, path, s, day)] += v
        cells[(code, "m", depth, path, s, month)] += v


def rebuild_source(source: Source, progress: Progress | None = None) -> int:
    """Recount one source's rollup rows from its records, streaming; returns the number of rows written.

    Same result as `rollup.rebuild([source])`. `progress` is called with the number of rows of each
    batch written.
    """
    codes = [i.code for i in source.indicators]
    writer = _Writer(progress)
    with transaction.atomic():
        rollup._lock()
        Count.objects.filter(indicator__in=codes).delete()
        Dirty.objects.filter(source=source.key).delete()
        streams = [_stream(parts, rows) for parts, rows in _queries(source)]
        merged = heapq.merge(*streams, key=lambda r: r[0])

        unit_cells: dict[CellKey, int] = defaultdict(int)  # the current commune and its villages
        province_cells: dict[CellKey, int] = defaultdict(int)  # the current province (depth 1)
        nation_cells: dict[CellKey, int] = defaultdict(int)
        unit: str | None = None
        province: str | None = None
        done_units: set[str] = set()
        done_provinces: set[str] = set()

        for path, day, sub, part, raw in merged:
            row_unit = rollup.unit_of(path)
            if row_unit != unit:
                if unit is not None:
                    writer.add(unit_cells)
                    unit_cells = defaultdict(int)
                    done_units.add(unit)
                if row_unit in done_units:
                    raise RuntimeError(f"rows of {row_unit!r} came back after other units: order by path")
                unit = row_unit
                if row_unit[:2] != province:
                    if province is not None:
                        writer.add(province_cells)
                        province_cells = defaultdict(int)
                        done_provinces.add(province)
                    if row_unit[:2] in done_provinces:
                        raise RuntimeError(f"rows of province {row_unit[:2]!r} are not contiguous")
                    province = row_unit[:2]
            ind = part.indicator
            value = part.sign * int(round(float(raw or 0) * ind.scale))
            if not value:
                continue
            code = ind.code
            own = rollup.own_depth(row_unit)
            _add(province_cells if own == 1 else unit_cells, code, own, row_unit, sub, day, value)
            if len(path) == rollup.VILLAGE_LEN:
                _add(unit_cells, code, 3, path, sub, day, value)
            for depth, target in rollup._ancestors(row_unit):
                _add(nation_cells if depth == 0 else province_cells, code, depth, target, sub, day, value)
        writer.add(unit_cells)
        writer.add(province_cells)
        writer.add(nation_cells)
        writer.flush()
        now = timezone.now()
        RollupState.objects.update_or_create(key="main", defaults={"rebuilt_at": now, "updated_at": now})
    return writer.written


def rebuild(sources: Sequence[Source], progress: Progress | None = None) -> int:
    """`rebuild_source` for each source in turn (each in its own transaction)."""
    return sum(rebuild_source(s, progress) for s in sources)
