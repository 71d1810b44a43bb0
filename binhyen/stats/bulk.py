"""Rebuilding one source's rollups from a large table, set-based, in the database.

`rollup.rebuild` groups in SQL, then accumulates every rollup cell of an indicator in one Python dict
before writing: fine for a commune's data, not for 10 million incidents (tens of millions of cells; the
earlier streaming version of this module spent most of its time adding to dicts in Python).
`rebuild_source` writes exactly the same rows (the tests compare them), with a few SQL statements:

1. *Leaf rows.* One GROUP BY (leaf path, local day, subgroup) per (date field, subgroup) of the source,
   not one per indicator: indicators that share them (incidents, cleared, social order, suspects... all
   by day of `occurred_at` and category) become conditional aggregates of a single query. An indicator
   whose filter or summed field crosses a multi-valued relation keeps a query of its own, filter in WHERE,
   as `rebuild` does, so that joined rows are counted the same way. Each query is materialised in a
   temporary table, then unpivoted into `stats_leaf` (indicator, path, subgroup, day, value): the sign
   and scale are applied in SQL when the result is exactly what Python's `int(round(float(v) * scale))`
   gives (counts, integer sums, decimals whose places the scale covers); otherwise (a float field, more
   decimals than the scale keeps) those rows go through Python, as before.
2. *Levels.* One INSERT ... SELECT ... GROUP BY per level derives, from the leaf rows, the day rows of
   villages, of each record's own unit (commune; a province's or the nation's own row), of provinces and
   of the nation, each with the subgroup total ("") and the subgroup; into `stats_lvl`.
3. *Rows.* One INSERT INTO stats_count ... SELECT: the non-zero day rows and the month rows (GROUP BY the
   first of the month), in the order of the table's unique index so its B-trees are filled in order.

The SQL is the same on PostgreSQL and SQLite (temporary tables, substr/length/CASE) but for the month
(`date_trunc` / `date(day, 'start of month')`).

Local day: PostgreSQL `(col AT TIME ZONE '<TIME_ZONE>')::date` (Django's TruncDate). On SQLite,
TruncDate calls a Python function per row; Django keeps aware datetimes there as UTC text, so
`date(col, '+420 minutes')` gives the local day in C, for a zone with one fixed offset
(Asia/Ho_Chi_Minh: UTC+7, no daylight saving since 1975). A zone whose offset changes across the year
falls back to TruncDate.

Everything happens in one transaction, under the same lock as the incremental job, like `rebuild`.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, DateField, F, Func, Q, Sum, Value
from django.db.models import Count as CountAgg
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from binhyen.stats import rollup
from binhyen.stats.models import Count, RollupState
from binhyen.stats.registry import STOCK, Indicator, Source

FETCH_ROWS = 20_000  # rows fetched per round trip when leaf values go through Python
LEAF = "stats_bulk_leaf"
LEAF_COLUMNS = "indicator varchar(48), path varchar(16), subgroup varchar(48), day date, value bigint"
LVL_COLUMNS = (
    "indicator varchar(48), depth smallint, path varchar(16), subgroup varchar(48), day date, value bigint"
)
LVL = "stats_bulk_lvl"
GROUPED = "stats_bulk_grouped"

Progress = Callable[[int], None]

INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


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


def _field(model: Any, lookup: str) -> Any:
    """The model field at the end of a lookup path ("category__code", "memberships__id")."""
    meta = model._meta
    parts = lookup.split("__")
    for part in parts[:-1]:
        meta = meta.get_field(part).related_model._meta
    return meta.get_field(parts[-1])


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


def _sub_sql_ok(model: Any, subgroup: str) -> bool:
    """SQL can spell the subgroup as Python's `str(value)` does: text, or an integer."""
    if not subgroup:
        return True
    return _field(model, subgroup).get_internal_type() in TEXT_TYPES | INTEGER_TYPES


def _exact_in_sql(model: Any, ind: Indicator) -> bool:
    """True when `sign * round(v * scale)` in SQL equals Python's `sign * int(round(float(v) * scale))`
    for every group sum v: counts, integer sums, and decimals whose places the scale keeps (no halves)."""
    if not ind.value_field:
        return True
    f = _field(model, ind.value_field)
    kind = f.get_internal_type()
    if kind in INTEGER_TYPES:
        return True
    if kind == "DecimalField":
        unit = 10 ** int(f.decimal_places)
        return ind.scale % unit == 0
    return False


def grouped(source: Source, parts: list[_Part], conditional: bool, where: Q | None) -> Any:
    """One GROUP BY (leaf path, local day, subgroup) with one aggregate per part: rows of
    (_path, _day, _sub if any subgroup, _v0, _v1...), columns named so SQL can select from them."""
    model: Any = source.model
    first = parts[0]
    qs = model._default_manager.exclude(**{f"{first.field}__isnull": True})
    if where is not None:
        qs = qs.filter(where)
    if not conditional and first.where is not None:
        qs = qs.filter(first.where)
    sub = first.indicator.subgroup
    keys: dict[str, Any] = {"_path": F(source.path_field), "_day": _day_expr(source, first.field)}
    if sub:
        sub_field = _field(model, sub)
        if sub_field.get_internal_type() in TEXT_TYPES:
            keys["_sub"] = Coalesce(F(sub), Value(""), output_field=CharField())
        elif sub_field.get_internal_type() in INTEGER_TYPES:
            keys["_sub"] = Coalesce(Cast(F(sub), CharField()), Value(""), output_field=CharField())
        else:
            keys["_sub"] = F(sub)  # converted in Python (`_leaf_values`)
    aggs: dict[str, Any] = {}
    for i, part in enumerate(parts):
        cond = part.where if conditional else None
        ind = part.indicator
        aggs[f"_v{i}"] = Sum(ind.value_field, filter=cond) if ind.value_field else CountAgg("pk", filter=cond)
    rows = qs.annotate(**keys).values(*keys).annotate(**aggs).order_by()
    return rows.values_list(*keys, *aggs)


def value_of(part: _Part, raw: Any) -> int:
    """A group's contribution, as `rollup.rebuild` computes it."""
    ind = part.indicator
    return part.sign * int(round(float(raw or 0) * ind.scale))


def subgroup_of(part: _Part, raw: Any) -> str:
    return str(raw) if part.indicator.subgroup and raw is not None else ""


# --- SQL pieces ---------------------------------------------------------------------------------------


def month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _create_temp(cursor: Any, name: str, columns: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def _drop_temp(cursor: Any, *names: str) -> None:
    for name in names:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _leaf_from_plan(cursor: Any, source: Source, parts: list[_Part], conditional: bool) -> None:
    """Materialise one plan's GROUP BY, then unpivot its aggregates into the leaf table."""
    model: Any = source.model
    qs = grouped(source, parts, conditional, None)
    has_sub = bool(parts[0].indicator.subgroup)
    in_sql = _sub_sql_ok(model, parts[0].indicator.subgroup)
    in_db = {i for i, p in enumerate(parts) if in_sql and _exact_in_sql(model, p.indicator)}
    sql_parts = [(i, p) for i, p in enumerate(parts) if i in in_db]
    py_parts = [(i, p) for i, p in enumerate(parts) if i not in in_db]
    if sql_parts:
        query, params = qs.query.sql_with_params()
        cursor.execute(f"DROP TABLE IF EXISTS {GROUPED}")
        cursor.execute(f"CREATE TEMPORARY TABLE {GROUPED} AS {query}", params)
        sub = "_sub" if has_sub else "''"
        for i, part in sql_parts:
            ind = part.indicator
            v = f"_v{i}"
            if ind.value_field and _field(model, ind.value_field).get_internal_type() == "DecimalField":
                expr = f"{part.sign} * CAST(ROUND({v} * {ind.scale}) AS BIGINT)"
            else:
                expr = f"{part.sign * ind.scale} * {v}"
            cursor.execute(
                f"INSERT INTO {LEAF} (indicator, path, subgroup, day, value) "
                f"SELECT %s, _path, {sub}, _day, {expr} FROM {GROUPED} WHERE {v} IS NOT NULL AND {expr} <> 0",
                [ind.code],
            )
        cursor.execute(f"DROP TABLE {GROUPED}")
    if py_parts:
        batch: list[tuple[str, str, str, Any, int]] = []
        sql = f"INSERT INTO {LEAF} (indicator, path, subgroup, day, value) VALUES (%s, %s, %s, %s, %s)"
        for row in qs.iterator(chunk_size=FETCH_ROWS):
            path, day = row[0], row[1]
            for i, part in py_parts:
                value = value_of(part, row[len(row) - len(parts) + i])
                if value:
                    sub_raw = row[2] if has_sub else None
                    batch.append((part.indicator.code, path, subgroup_of(part, sub_raw), day, value))
            if len(batch) >= FETCH_ROWS:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _levels(cursor: Any) -> None:
    """Every day row at every level, from the leaf rows (same targets as `rollup._add`/`_ancestors`)."""
    # The subgroup total "" and the subgroup itself (a record without one only counts in the total).
    x = (
        f"(SELECT indicator, path, subgroup, day, value FROM {LEAF} WHERE subgroup <> '' "
        f"UNION ALL SELECT indicator, path, '' AS subgroup, day, value FROM {LEAF})"
    )
    n = rollup.COMMUNE_LEN
    unit = f"CASE WHEN length(path) >= {n} THEN substr(path, 1, {n}) ELSE path END"
    province = f"CASE WHEN length(path) >= {rollup.COMMUNE_LEN} THEN substr(path, 1, 2) ELSE path END"
    insert = f"INSERT INTO {LVL} (indicator, depth, path, subgroup, day, value) "
    # Villages (depth 3).
    cursor.execute(
        insert + f"SELECT indicator, 3, path, subgroup, day, SUM(value) FROM {x} x "
        f"WHERE length(path) = {rollup.VILLAGE_LEN} GROUP BY indicator, path, subgroup, day"
    )
    # Each record's own unit: a commune (depth 2), a province's own row (depth 2), the nation's (depth 1).
    cursor.execute(
        insert + f"SELECT indicator, CASE WHEN unit = '' THEN 1 ELSE 2 END, unit, subgroup, day, SUM(value) "
        f"FROM (SELECT indicator, {unit} AS unit, subgroup, day, value FROM {x} x) u "
        "GROUP BY indicator, unit, subgroup, day"
    )
    # Provinces (depth 1): everything under them; records of the nation itself have no province.
    cursor.execute(
        insert + "SELECT indicator, 1, province, subgroup, day, SUM(value) "
        f"FROM (SELECT indicator, {province} AS province, subgroup, day, value FROM {x} x "
        "WHERE path <> '') p GROUP BY indicator, province, subgroup, day"
    )
    # The nation (depth 0).
    cursor.execute(
        insert
        + f"SELECT indicator, 0, '', subgroup, day, SUM(value) FROM {x} x GROUP BY indicator, subgroup, day"
    )


def _write_rows(cursor: Any) -> int:
    """Non-zero day rows and month rows into stats_count, in the unique index's order."""
    table = Count._meta.db_table
    month = month_sql("day")
    # PostgreSQL: byte order (the same as C.UTF-8's code-point order for these ASCII keys); a glibc
    # collation compares with strcoll and without abbreviated keys: the sort took 55 of 66 s at 7.9M rows.
    c = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    cursor.execute(
        f"INSERT INTO {table} (indicator, grain, depth, path, subgroup, day, value) "
        "SELECT indicator, grain, depth, path, subgroup, day, value FROM ("
        f"SELECT indicator, 'd' AS grain, depth, path, subgroup, day, value FROM {LVL} WHERE value <> 0 "
        f"UNION ALL SELECT indicator, 'm' AS grain, depth, path, subgroup, {month} AS day, SUM(value) "
        f"FROM {LVL} GROUP BY indicator, depth, path, subgroup, {month} HAVING SUM(value) <> 0"
        f") r ORDER BY indicator{c}, grain{c}, depth, path{c}, subgroup{c}, day"
    )
    return int(cursor.rowcount)


def rebuild_source(source: Source, progress: Progress | None = None) -> int:
    """Recount one source's rollup rows from its records; returns the number of rows written.

    Same result as `rollup.rebuild([source])`. `progress` is called with the number of rows written.
    """
    with transaction.atomic():
        rollup._lock()
        with connection.cursor() as cursor:
            rollup.delete_rows(cursor, source)
            if connection.vendor == "postgresql":
                # Sorting and hashing millions of rows: in memory rather than in many small temp files.
                cursor.execute("SET LOCAL work_mem = '256MB'")
            else:
                # The sorter's runs and the B-tree pages: 256 MiB rather than the default 2 MiB.
                cursor.execute("PRAGMA cache_size")
                cache_size = int(cursor.fetchone()[0])
                cursor.execute("PRAGMA cache_size = -262144")
            try:
                _create_temp(cursor, LEAF, LEAF_COLUMNS)
                _create_temp(cursor, LVL, LVL_COLUMNS)
                for parts, conditional in _plans(source):
                    _leaf_from_plan(cursor, source, parts, conditional)
                _levels(cursor)
                _drop_temp(cursor, LEAF)
                written = _write_rows(cursor)
                _drop_temp(cursor, LVL)
            finally:
                if connection.vendor != "postgresql":
                    cursor.execute(f"PRAGMA cache_size = {cache_size}")
        if progress:
            progress(written)
        now = timezone.now()
        RollupState.objects.update_or_create(key="main", defaults={"rebuilt_at": now, "updated_at": now})
    return written


def rebuild(sources: Sequence[Source], progress: Progress | None = None) -> int:
    """`rebuild_source` for each source in turn (each in its own transaction)."""
    return sum(rebuild_source(s, progress) for s in sources)
