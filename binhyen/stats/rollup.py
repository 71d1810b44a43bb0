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
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count as CountAgg
from django.db.models import Max, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from binhyen.stats import registry
from binhyen.stats.models import Count, Dirty, RollupState
from binhyen.stats.registry import STOCK, Indicator, Source

COMMUNE_LEN = 7
VILLAGE_LEN = 11
BATCH = 2000  # dirty rows per pass
CHUNK = 1000  # cells per recompute (4 parameters a cell per VALUES list)

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
#
# Set-based: for a chunk of cells, one query finds the ids of their records (a VALUES list of cells
# joined to the source's table on its (path, date) index), one GROUP BY per query plan of `bulk` (the
# same conditional aggregates as the full rebuild) reads their fresh values, one query joins the VALUES
# list to the stored day rows, and one statement upserts every difference (days and months, the cell's
# own row, villages, province, nation). Before this, per-cell OR trees compiled by the ORM and about
# 75 multi-row upserts per 1,000 cells took 8 s at national scale.


def _values_cte(name: str, columns: str, n: int, casts: list[str]) -> str:
    """`name(columns) AS (VALUES (%s, %s::date...), ...)` for n rows; PostgreSQL needs the types."""
    if connection.vendor != "postgresql":
        casts = [""] * len(casts)
    row = "(" + ", ".join(f"%s{c}" for c in casts) + ")"
    return f"{name}({columns}) AS (VALUES " + ", ".join([row] * n) + ")"


def _seek(cte: str, table: str, alias: str, condition: str, columns: list[str]) -> str:
    """SELECT columns of `table` rows matching each row of a VALUES list (`cte`), as a nested loop of
    index seeks. PostgreSQL: LATERAL ... OFFSET 0, else it may hash the whole table (its estimates for a
    VALUES list joined on ranges are poor). SQLite: a join does it."""
    select = ", ".join(f"{alias}.{c}" for c in columns)
    if connection.vendor == "postgresql":
        return (
            f"SELECT {select} FROM {cte} CROSS JOIN LATERAL "
            f"(SELECT {select} FROM {table} {alias} WHERE {condition} OFFSET 0) {alias}"
        )
    return f"SELECT {select} FROM {cte} JOIN {table} {alias} ON {condition}"


def _column(source: Source, name: str) -> str | None:
    """The table column of a field of the source's own model, or None for a path through a relation."""
    if "__" in name:
        return None
    model: Any = source.model
    f = model._meta.get_field(name)
    return None if f.is_relation or not f.concrete else str(f.column)


def _bounds(source: Source, field_name: str, day: datetime.date) -> tuple[Any, Any]:
    """[lo, hi) of a local day in the column's own representation (adapted as Django would)."""
    ops = connection.ops
    if not _is_datetime(source, field_name):
        return ops.adapt_datefield_value(day), ops.adapt_datefield_value(day + datetime.timedelta(days=1))
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return (
        ops.adapt_datetimefield_value(start),
        ops.adapt_datetimefield_value(start + datetime.timedelta(days=1)),
    )


def _record_ids(source: Source, cells: list[tuple[str, datetime.date]]) -> list[Any] | None:
    """Ids of the records in these cells by any of the source's date fields (their rows of every part),
    or None when the path or a date field is reached through a relation (then `_cells_q` is used)."""
    model: Any = source.model
    path_col = _column(source, source.path_field)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    if path_col is None:
        return None
    path_q = connection.ops.quote_name(path_col)
    ctes: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    for k, name in enumerate(sorted(source.date_fields())):
        col = _column(source, name)
        if col is None:
            return None
        date_q = connection.ops.quote_name(col)
        cast = "::timestamptz" if _is_datetime(source, name) else "::date"
        bounds: dict[datetime.date, tuple[Any, Any]] = {}  # cells share days
        ctes.append(
            _values_cte(f"c{k}", "unit, below, lo, hi", len(cells), ["::varchar", "::varchar", cast, cast])
        )
        for unit, day in cells:
            if day not in bounds:
                bounds[day] = _bounds(source, name, day)
            lo, hi = bounds[day]
            # Villages of a commune: paths between "unit" and "unit" + "z"; NULL: none for other units.
            params += [unit, unit + "z" if len(unit) == COMMUNE_LEN else None, lo, hi]
        # The exact path and the village range as two joins: each uses the (path, date) index.
        days = f"t.{date_q} >= c{k}.lo AND t.{date_q} < c{k}.hi"
        selects.append(_seek(f"c{k}", table, "t", f"t.{path_q} = c{k}.unit AND {days}", [pk]))
        selects.append(
            _seek(f"c{k}", table, "t", f"t.{path_q} > c{k}.unit AND t.{path_q} < c{k}.below AND {days}", [pk])
        )
    with connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(ctes) + " " + " UNION ".join(selects), params)
        return [r[0] for r in cursor.fetchall()]


def _cells_q(source: Source, cells: list[tuple[str, datetime.date]]) -> Q:
    """The records of these cells by any date field, as ORM terms (paths through relations)."""
    where = Q()
    for name in source.date_fields():
        is_dt = _is_datetime(source, name)
        for unit, day in cells:
            day_q = _day_q(name, day, is_dt)
            for term in _unit_terms(source.path_field, unit):
                where |= term & day_q
    return where


def _ids_q(ids: list[Any]) -> Q:
    """pk IN these ids, as one parameter (a JSON array on SQLite, an array on PostgreSQL): no limit on
    their number, and nothing for the ORM to compile per id."""
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s)", [ids]))
    if connection.vendor == "sqlite":
        return Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)]))
    return Q(pk__in=ids)


def _contributions(
    source: Source, cells: list[tuple[str, datetime.date]]
) -> dict[tuple[str, datetime.date], dict[CellKey, int]]:
    """Fresh exclusive-cell values (own row and village rows) of each (unit, day) from the records."""
    from binhyen.stats import bulk

    wanted = set(cells)
    out: dict[tuple[str, datetime.date], dict[CellKey, int]] = {c: defaultdict(int) for c in cells}
    ids = _record_ids(source, cells)
    if ids is not None and not ids:
        return out
    wheres = [_cells_q(source, cells)] if ids is None else [_ids_q(ids)]
    for parts, conditional in bulk._plans(source):
        has_sub = bool(parts[0].indicator.subgroup)
        n = len(parts)
        for where in wheres:
            for row in bulk.grouped(source, parts, conditional, where):
                path, when = row[0], local_day(row[1])
                unit = unit_of(path)
                if when is None or (unit, when) not in wanted:
                    continue  # a record of these cells counted on another day by another date field
                cell = out[(unit, when)]
                for i, part in enumerate(parts):
                    value = bulk.value_of(part, row[len(row) - n + i])
                    if value:
                        sub = bulk.subgroup_of(part, row[2] if has_sub else None)
                        _add(cell, part.indicator, unit, path, sub, value)
    return out


def _add(cells: dict[CellKey, int], ind: Indicator, unit: str, path: str, sub: str, value: int) -> None:
    subs = [""] + ([sub] if sub else [])
    for s in subs:
        cells[(ind.code, own_depth(unit), unit, s)] += value
        if len(path) == VILLAGE_LEN:
            cells[(ind.code, 3, path, s)] += value


def _as_date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _stored(
    source: Source, cells: list[tuple[str, datetime.date]]
) -> dict[tuple[str, datetime.date], dict[CellKey, int]]:
    """The stored day rows of these cells: each unit's own row and, for a commune, its villages'."""
    codes = [i.code for i in source.indicators]
    out: dict[tuple[str, datetime.date], dict[CellKey, int]] = {c: defaultdict(int) for c in cells}
    wanted = set(cells)
    table = Count._meta.db_table
    keys = [
        (own_depth(u), u, u + "z" if len(u) == COMMUNE_LEN else None, connection.ops.adapt_datefield_value(d))
        for u, d in cells
    ]
    marks = ", ".join(["%s"] * len(codes))
    columns = "s.indicator, s.depth, s.path, s.subgroup, s.day, s.value"
    # Every lookup is keyed on the index (indicator, grain, depth, path, day): one seek per cell and
    # indicator, and one range per commune for its villages.
    exact = f"s.indicator IN ({marks}) AND s.grain = 'd' AND s.depth = {{depth}} AND s.path = {{path}} "
    exact += "AND s.day = {day}"
    villages = f"s.indicator IN ({marks}) AND s.grain = 'd' AND s.depth = 3 AND s.path > {{path}} "
    villages += "AND s.path < {below} AND s.day = {day}"
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the VALUES list of cells joined to the index (a nested loop of seeks).
            casts = ["::smallint", "::varchar", "::varchar", "::date"]
            cte = _values_cte("c", "depth, unit, below, day", len(cells), casts)
            on = {"depth": "c.depth", "path": "c.unit", "below": "c.below", "day": "c.day"}
            names = ["indicator", "depth", "path", "subgroup", "day", "value"]
            cursor.execute(
                f"WITH {cte} {_seek('c', table, 's', exact.format(**on), names)} "
                f"UNION ALL {_seek('c', table, 's', villages.format(**on), names)}",
                [*(x for key in keys for x in key), *codes, *codes],
            )
            found = cursor.fetchall()
        else:
            # SQLite (3.38+) builds a Bloom filter over stats_count for such a join (a scan of the whole
            # table: 10 s at national scale), and row-value IN lists scan too: one statement per cell,
            # prepared once, a few microseconds each.
            one = {"depth": "?", "path": "?", "below": "?", "day": "?"}
            exact_sql = f"SELECT {columns} FROM {table} s WHERE {exact.format(**one)}".replace("%s", "?")
            village_sql = f"SELECT {columns} FROM {table} s WHERE {villages.format(**one)}".replace("%s", "?")
            raw: Any = cursor.cursor  # the sqlite3 cursor itself: no per-statement wrapper work
            for k_depth, k_unit, k_below, k_day in keys:
                found += raw.execute(exact_sql, [*codes, k_depth, k_unit, k_day]).fetchall()
                if k_below is not None:
                    found += raw.execute(village_sql, [*codes, k_unit, k_below, k_day]).fetchall()
    for code, depth, path, sub, raw_day, value in found:
        day = _as_date(raw_day)
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
    """Add each delta to its cell, creating it when missing: one upsert of every row, in index order."""
    items = sorted((k, v) for k, v in deltas.items() if v)
    if not items:
        return
    table = Count._meta.db_table
    columns = "indicator, grain, depth, path, subgroup, day, value"
    conflict = (
        "ON CONFLICT (indicator, grain, depth, path, subgroup, day) "
        f"DO UPDATE SET value = {table}.value + excluded.value"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, seven array parameters: no per-row parameters to bind or statements to plan.
            arrays: list[list[Any]] = [[] for _ in range(7)]
            for key, v in items:
                for i, x in enumerate((*key, v)):
                    arrays[i].append(x)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest(%s::varchar[], %s::varchar[], "
                f"%s::smallint[], %s::varchar[], %s::varchar[], %s::date[], %s::bigint[]) {conflict}",
                arrays,
            )
        else:
            days: dict[datetime.date, str] = {}
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s) {conflict}",
                [(*key[:5], days.setdefault(key[5], key[5].isoformat()), v) for key, v in items],
            )


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
            if connection.vendor == "postgresql":
                # The cost estimates of the VALUES-list joins are poor (ranges of paths): without this,
                # PostgreSQL spends half a second compiling them to machine code for a few ms of work.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
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
            seen = [r[0] for r in ids]
            marks = ", ".join(["%s"] * len(seen))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {Dirty._meta.db_table} WHERE id <= %s AND id IN ({marks})", [top, *seen]
                )
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
            with connection.cursor() as cursor:
                delete_rows(cursor, src)
            for ind in src.indicators:
                written += _rebuild_indicator(src, ind)
                if progress:
                    progress(ind.code)
        RollupState.objects.update_or_create(
            key="main", defaults={"rebuilt_at": timezone.now(), "updated_at": timezone.now()}
        )
    return written


def delete_rows(cursor: Any, source: Source) -> None:
    """A source's rollup rows and dirty marks, in plain DELETEs: `QuerySet.delete()` would load every
    row (audit listens to post_delete for all models), millions of them at national scale."""
    codes = [i.code for i in source.indicators]
    marks = ", ".join(["%s"] * len(codes))
    cursor.execute(f"DELETE FROM {Count._meta.db_table} WHERE indicator IN ({marks})", codes)
    cursor.execute(f"DELETE FROM {Dirty._meta.db_table} WHERE source = %s", [source.key])


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
