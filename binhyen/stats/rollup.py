"""Keeping the rollup tables: incremental passes over `Dirty`, and full rebuilds.

Zulip's `analytics/lib/counts.py` is the model: the job owns the rollup rows, works in small units that
commit whole, can be stopped at any point and run again, and can always rebuild from the records.

The unit of work is a *cell*: one source, one commune (the unit key), one local day. Recomputing a cell
reads that commune-day's records, compares the values with the rows stored for the commune and its
villages, and applies the difference to those rows, to the province and the nation, and to the month
rows, in one transaction. Applying differences (not totals) is what lets higher levels stay correct
without re-reading other communes.

Records above commune level (a scheme managed by the province) keep their own exclusive row one level
down (depth 2, the province's path), so a province's figure is "its communes plus itself".
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count as CountAgg
from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from binhyen.stats import registry
from binhyen.stats.models import Count, Dirty, RollupState
from binhyen.stats.registry import STOCK, Indicator, Source

COMMUNE_LEN = 7
VILLAGE_LEN = 11
BATCH = 2000  # dirty rows per pass
CHUNK = 150  # cells per query (keeps the OR of path ranges small for SQLite)

CellKey = tuple[str, int, str, str]  # indicator, depth, path, subgroup


def depth_of(path: str) -> int:
    return {0: 0, 2: 1, COMMUNE_LEN: 2, VILLAGE_LEN: 3}[len(path)]


def unit_of(path: str) -> str:
    """The commune a record counts under (or the province / nation for records above communes)."""
    return path[:COMMUNE_LEN] if len(path) >= COMMUNE_LEN else path


def own_depth(unit: str) -> int:
    return 2 if unit else 1


def local_day(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _unit_terms(column: str, unit: str) -> list[Q]:
    """The records of a unit: an exact path (the commune itself), and for a commune its villages as a
    range. Exact terms let the (area_path, date) indexes use both columns."""
    if len(unit) == COMMUNE_LEN:
        return [Q(**{column: unit}), Q(**{f"{column}__gt": unit, f"{column}__lt": unit + "z"})]
    return [Q(**{column: unit})]


def _day_q(column: str, day: datetime.date, is_datetime: bool) -> Q:
    if not is_datetime:
        return Q(**{column: day})
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return Q(**{f"{column}__gte": start, f"{column}__lt": start + datetime.timedelta(days=1)})


def _is_datetime(source: Source, field_name: str) -> bool:
    model: Any = source.model
    f = model._meta
    for part in field_name.split("__")[:-1]:
        f = f.get_field(part).related_model._meta
    return f.get_field(field_name.split("__")[-1]).get_internal_type() == "DateTimeField"


# --- marking -----------------------------------------------------------------------------------------


def cells_of(source: Source, path: str | None, dates: dict[str, Any]) -> set[tuple[str, str, datetime.date]]:
    if path is None:
        return set()
    unit = unit_of(path)
    out = set()
    for value in dates.values():
        day = local_day(value)
        if day is not None:
            out.add((source.key, unit, day))
    return out


def mark(cells: Iterable[tuple[str, str, datetime.date]]) -> None:
    rows = [Dirty(source=s, commune_path=u, day=d) for s, u, d in set(cells)]
    if rows:
        Dirty.objects.bulk_create(rows)


def mark_all(source: Source, start: datetime.date | None = None) -> None:
    """Mark every cell of a source that has records (after a bulk load that bypassed signals)."""
    model: Any = source.model
    cells: set[tuple[str, str, datetime.date]] = set()
    for name in source.date_fields():
        qs = model._default_manager.exclude(**{f"{name}__isnull": True})
        day_expr: Any = TruncDate(name) if _is_datetime(source, name) else _F(name)
        qs = qs.annotate(_d=day_expr)
        for path, day in qs.values_list(source.path_field, "_d").distinct().iterator():
            if start is None or day >= start:
                cells.add((source.key, unit_of(path), day))
    mark(cells)


def _F(name: str) -> Any:
    from django.db.models import F

    return F(name)


# --- computing cells ----------------------------------------------------------------------------------


def _contributions(
    source: Source, cells: list[tuple[str, datetime.date]]
) -> dict[tuple[str, datetime.date], dict[CellKey, int]]:
    """Fresh exclusive-cell values (own row and village rows) of each (unit, day) from the records."""
    wanted = set(cells)
    out: dict[tuple[str, datetime.date], dict[CellKey, int]] = {c: defaultdict(int) for c in cells}
    model: Any = source.model
    for ind in source.indicators:
        parts: list[tuple[str, int, Q | None]] = [(ind.date_field or source.date_field, 1, None)]
        if ind.kind == STOCK and ind.end_field:
            parts.append((ind.end_field, -1, ind.end_filter))
        for field_name, sign, extra in parts:
            is_dt = _is_datetime(source, field_name)
            where = Q()
            for unit, day in cells:
                day_q = _day_q(field_name, day, is_dt)
                for term in _unit_terms(source.path_field, unit):
                    where |= term & day_q
            qs = model._default_manager.filter(where)
            if ind.filter is not None:
                qs = qs.filter(ind.filter)
            if extra is not None:
                qs = qs.filter(extra)
            columns = [source.path_field, field_name]
            if ind.subgroup:
                columns.append(ind.subgroup)
            if ind.value_field:
                columns.append(ind.value_field)
            for row in qs.values_list(*columns).iterator():
                path, when = row[0], local_day(row[1])
                unit = unit_of(path)
                if when is None or (unit, when) not in wanted:
                    continue
                sub = str(row[2]) if ind.subgroup and row[2] is not None else ""
                raw = row[-1] if ind.value_field else 1
                value = sign * int(round(float(raw or 0) * ind.scale))
                _add(out[(unit, when)], ind, unit, path, sub, value)
    return out


def _add(cells: dict[CellKey, int], ind: Indicator, unit: str, path: str, sub: str, value: int) -> None:
    subs = [""] + ([sub] if sub else [])
    for s in subs:
        cells[(ind.code, own_depth(unit), unit, s)] += value
        if len(path) == VILLAGE_LEN:
            cells[(ind.code, 3, path, s)] += value


def _stored(
    source: Source, cells: list[tuple[str, datetime.date]]
) -> dict[tuple[str, datetime.date], dict[CellKey, int]]:
    codes = [i.code for i in source.indicators]
    out: dict[tuple[str, datetime.date], dict[CellKey, int]] = {c: defaultdict(int) for c in cells}
    wanted = set(cells)
    # Every term carries the whole index key (indicator, grain, depth, path, day): with `indicator` and
    # `grain` outside the OR, SQLite scanned the table once per chunk.
    where = Q()
    for unit, day in cells:
        where |= Q(indicator__in=codes, grain="d", depth=own_depth(unit), path=unit, day=day)
        if len(unit) == COMMUNE_LEN:
            where |= Q(indicator__in=codes, grain="d", depth=3, path__gt=unit, path__lt=unit + "z", day=day)
    rows = Count.objects.filter(where).values_list("indicator", "depth", "path", "subgroup", "day", "value")
    for code, depth, path, sub, day, value in rows:
        unit = path if depth != 3 else unit_of(path)
        if (unit, day) in wanted:
            out[(unit, day)][(code, depth, path, sub)] += value
    return out


def _ancestors(unit: str) -> list[tuple[int, str]]:
    if len(unit) == COMMUNE_LEN:
        return [(1, unit[:2]), (0, "")]
    if unit:
        return [(1, unit), (0, "")]
    return [(0, "")]


def _apply(deltas: dict[tuple[str, str, int, str, str, datetime.date], int]) -> None:
    """Add each delta to its cell, creating it when missing (one upsert statement per chunk)."""
    items = [(k, v) for k, v in deltas.items() if v]
    table = Count._meta.db_table
    for start in range(0, len(items), 400):
        chunk = items[start : start + 400]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        params: list[Any] = []
        for (code, grain, depth, path, sub, day), v in chunk:
            params += [code, grain, depth, path, sub, day, v]
        sql = (
            f"INSERT INTO {table} (indicator, grain, depth, path, subgroup, day, value) VALUES {values} "
            "ON CONFLICT (indicator, grain, depth, path, subgroup, day) "
            f"DO UPDATE SET value = {table}.value + excluded.value"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def recompute(source: Source, cells: list[tuple[str, datetime.date]]) -> int:
    """Bring the rollup rows of these (unit, day) cells up to date. Call inside a transaction."""
    fresh = _contributions(source, cells)
    old = _stored(source, cells)
    deltas: dict[tuple[str, str, int, str, str, datetime.date], int] = defaultdict(int)
    for unit, day in cells:
        new_cells, old_cells = fresh[(unit, day)], old[(unit, day)]
        month = month_of(day)
        for key in set(new_cells) | set(old_cells):
            d = new_cells.get(key, 0) - old_cells.get(key, 0)
            if not d:
                continue
            code, depth, path, sub = key
            targets = [(depth, path)]
            if depth == own_depth(unit) and path == unit:
                targets += _ancestors(unit)
            for t_depth, t_path in targets:
                deltas[(code, "d", t_depth, t_path, sub, day)] += d
                deltas[(code, "m", t_depth, t_path, sub, month)] += d
    _apply(deltas)
    return len(cells)


def _lock() -> None:
    # One incremental pass at a time: two passes applying the same difference would count it twice.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7251)")
    # SQLite: transactions are IMMEDIATE (settings), so writers are already serialised.


def run(limit: int | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Process the dirty queue until empty (or `limit` passes). Returns the number of cells recomputed."""
    done = 0
    passes = 0
    while limit is None or passes < limit:
        passes += 1
        with transaction.atomic():
            _lock()
            ids = list(
                Dirty.objects.order_by("id").values_list("id", "source", "commune_path", "day")[:BATCH]
            )
            if not ids:
                break
            top = ids[-1][0]
            by_source: dict[str, set[tuple[str, datetime.date]]] = defaultdict(set)
            for _, key, unit, day in ids:
                by_source[key].add((unit, day))
            for key, cells in by_source.items():
                try:
                    src = registry.source(key)
                except KeyError:
                    continue  # a source that is no longer registered: drop its marks
                ordered = sorted(cells)
                for i in range(0, len(ordered), CHUNK):
                    done += recompute(src, ordered[i : i + CHUNK])
                    if progress:
                        progress(len(ordered[i : i + CHUNK]))
            # Only the rows this pass saw: marks added meanwhile have larger ids.
            Dirty.objects.filter(id__lte=top, id__in=[r[0] for r in ids]).delete()
    if done:
        RollupState.objects.update_or_create(
            key="main", defaults={"updated_at": timezone.now(), "cells": done}
        )
    return done


def pending() -> int:
    return Dirty.objects.count()


# --- full rebuild ------------------------------------------------------------------------------------


def rebuild(sources: Iterable[Source] | None = None, progress: Callable[[str], None] | None = None) -> int:
    """Recount everything from the records: GROUP BY (allowed here: this is the job, not a request)."""
    chosen = list(sources) if sources is not None else registry.sources()
    written = 0
    with transaction.atomic():
        _lock()
        for src in chosen:
            codes = [i.code for i in src.indicators]
            Count.objects.filter(indicator__in=codes).delete()
            Dirty.objects.filter(source=src.key).delete()
            for ind in src.indicators:
                written += _rebuild_indicator(src, ind)
                if progress:
                    progress(ind.code)
        RollupState.objects.update_or_create(
            key="main", defaults={"rebuilt_at": timezone.now(), "updated_at": timezone.now()}
        )
    return written


def _rebuild_indicator(source: Source, ind: Indicator) -> int:
    model: Any = source.model
    cells: dict[tuple[str, int, str, str, datetime.date], int] = defaultdict(int)
    parts: list[tuple[str, int, Q | None]] = [(ind.date_field or source.date_field, 1, None)]
    if ind.kind == STOCK and ind.end_field:
        parts.append((ind.end_field, -1, ind.end_filter))
    for field_name, sign, extra in parts:
        qs = model._default_manager.exclude(**{f"{field_name}__isnull": True})
        if ind.filter is not None:
            qs = qs.filter(ind.filter)
        if extra is not None:
            qs = qs.filter(extra)
        day_expr: Any = TruncDate(field_name) if _is_datetime(source, field_name) else _F(field_name)
        group = [source.path_field, "_day"] + ([ind.subgroup] if ind.subgroup else [])
        agg: Any = Sum(ind.value_field) if ind.value_field else CountAgg("pk")
        rows = qs.annotate(_day=day_expr).values(*group).annotate(_v=agg).values_list(*group, "_v")
        for row in rows.iterator():
            path, day = row[0], row[1]
            sub = str(row[2]) if ind.subgroup and row[2] is not None else ""
            value = sign * int(round(float(row[-1] or 0) * ind.scale))
            unit = unit_of(path)
            month = month_of(day)
            targets = [(own_depth(unit), unit)] + _ancestors(unit)
            if len(path) == VILLAGE_LEN:
                targets.append((3, path))
            for s in [""] + ([sub] if sub else []):
                for depth, p in targets:
                    cells[(s, depth, p, "d", day)] += value
                    cells[(s, depth, p, "m", month)] += value
    batch = [
        Count(indicator=ind.code, grain=grain, depth=depth, path=p, subgroup=s, day=day, value=v)
        for (s, depth, p, grain, day), v in cells.items()
        if v
    ]
    Count.objects.bulk_create(batch, batch_size=2000)
    return len(batch)


def last_update() -> datetime.datetime | None:
    state = RollupState.objects.filter(key="main").first()
    return state.updated_at if state else None


def max_dirty_id() -> int:
    return int(Dirty.objects.aggregate(m=Max("id"))["m"] or 0)
