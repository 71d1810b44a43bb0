"""The national annual report over 10,000,000 incidents, on SQLite and PostgreSQL, against DuckDB.

Issue 6's targets: the national annual report (with the previous period and the same period last year)
faster than DuckDB's GROUP BY over the same raw rows on PostgreSQL, within 500 ms on SQLite, and 1,000 new
incidents reflected within 1 s.

Data (deterministic, seeded): N incidents (BENCH_STATS_INCIDENTS or --incidents, default 10,000,000) over
three calendar years (2023-2025, local time Asia/Ho_Chi_Minh) in the 3,321 communes of `areas load`.
Communes are weighted by a population proxy: the merged province's population (about 2024, millions)
shared among its communes, a ward (phường) counting 2, a commune (xã) 1, a special zone 0.4, times a
log-normal factor per commune (sigma 0.5). Days are weighted for the four weeks before Tết (x1.35), Tết
itself (x0.8), summer (June-August, x1.12), weekends (x1.08) and a yearly decline (2024 x0.96, 2025
x0.93); hours of the day favour the evening. Categories follow the seeded crime taxonomy
(binhyen/incidents/data.py) with a plausible mix (theft 30%, online fraud 11%...), each with its own share
cleared, scaled so that 40% of all incidents are cleared. Cleared incidents have 1-3 suspects; some
fights, robberies and traffic cases have injuries, a few deaths. Incidents sit at commune level (no
villages), with an empty summary.

One pass generates the rows in chunks (bounded memory) and writes each chunk to three places:
- SQLite: the runner's fresh file database (migrated, `load_official_units()`), `executemany` in one
  transaction, with synchronous=OFF, journal_mode=MEMORY, a 1 GiB page cache, foreign keys off, and the
  table's secondary indexes dropped during the load and created again afterwards; then
  `PRAGMA foreign_key_check`, ANALYZE (analysis_limit=1000), journal_mode back to WAL;
- PostgreSQL: a database of its own (BENCH_STATS_POSTGRES, else the runner's --postgres URL, else
  postgres://postgres@127.0.0.1:5432/binhyen_bench_stats; named binhyen_bench* or binhyen_stats*), dropped
  and created, `binhyen migrate` and `binhyen areas load`; COPY FROM STDIN (psycopg `cursor.copy`) with
  the table's secondary indexes and foreign keys dropped during the load and added back afterwards; then
  VACUUM ANALYZE;
- DuckDB (in-process, in memory): the same rows through a CSV staging file, then read_csv.

Then, per database: the rollups are built with `binhyen.stats.bulk.rebuild_source` (timed), and the
connection is reopened with the application's own settings. Measured, side by side, interleaved, the
order alternating each round (one warm-up round, then max(5, --rounds) timed rounds, medians):
- ours: `summary.build("", period)`, the whole national report (every headline figure, the category
  breakdowns, the province ranking), for the calendar year 2025 and the police year 2025P, each with its
  previous period and the same period last year;
- DuckDB: the same incident numbers by GROUP BY over the raw rows: per distinct period (this, previous,
  last year) counts by category with the cleared count (the social-order figure is the sum over the
  categories of that group, joined in SQL), and the province ranking for this period. Times cover only
  the queries.
Before timing, every number is compared: totals, social order, cleared, share cleared (this, previous,
last year), each category (this and last year), each province's figure and rank; a difference raises.

Freshness, per database: 1,000 new incidents in the report year through `Incident.objects.create` (the
signals mark dirty cells; the job they would queue is stubbed out and run here, as a worker would), then
`rollup.run()` is timed, and the national figure for the year must have grown by exactly 1,000 (and, on
SQLite, the whole report must again equal DuckDB's with the same 1,000 rows added to it).
BENCH_STATS_FRESHNESS=sqlite,postgresql (default) says where; empty skips it.

Run: `python -m bench stats_report` (runner), or `python -m bench.stats_report --incidents 1000000`.
BENCH_STATS_KEEP_PG=1 keeps the PostgreSQL database.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from bench import BenchDatabase, print_table

N_INCIDENTS = int(os.environ.get("BENCH_STATS_INCIDENTS", "10000000"))
POSTGRES_URL = os.environ.get(
    "BENCH_STATS_POSTGRES", "postgres://postgres@127.0.0.1:5432/binhyen_bench_stats"
)


def postgres_url() -> str:
    """BENCH_STATS_POSTGRES, else `python -m bench ... --postgres URL` (the runner does not pass it on to
    the SQLite pass, which loads PostgreSQL itself), else the default."""
    if "BENCH_STATS_POSTGRES" in os.environ:
        return POSTGRES_URL
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--postgres" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--postgres="):
            return arg.split("=", 1)[1]
    return POSTGRES_URL


KEEP_PG = os.environ.get("BENCH_STATS_KEEP_PG", "") == "1"
# "sqlite,postgresql" (default): where the freshness step runs; "" skips it (it can take minutes).
FRESHNESS = os.environ.get("BENCH_STATS_FRESHNESS", "sqlite,postgresql").split(",")
SEED, SEED_FRESH = 20251123, 20251124
FIRST_DAY, LAST_DAY = datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)
REPORT_PERIODS = ("2025", "2025P")  # calendar year, police year (15/12/2024 - 14/12/2025)
FRESH = 1_000
CHUNK = 50_000
UTC_OFFSET = datetime.timedelta(hours=7)  # Asia/Ho_Chi_Minh, no DST
TARGET_SQLITE_MS = 500.0
TARGET_FRESH_MS = 1000.0
ROOT = Path(__file__).resolve().parent.parent
SOCIAL_ORDER = "Tội phạm về trật tự xã hội"

# The population proxy, category mix, seasonality and the day schedule are the generator's
# (`binhyen generate` writes incidents with the same ones).
from binhyen.synth.plan import (  # noqa: E402
    CATEGORY_MIX,
    CLEARED_SHARE,
    HOUR_WEIGHTS,
    INJURY_CATEGORIES,
    PROVINCE_POPULATION,
    TYPE_FACTOR,
    schedule,
)

# --- the dataset ------------------------------------------------------------------------------------


@dataclass
class Commune:
    code: str
    path: str
    type: str
    sqlite_id: int
    pg_id: int = 0
    weight: float = 0.0


@dataclass
class Category:
    code: str
    group: str
    sqlite_id: int
    pg_id: int = 0
    share: float = 0.0
    cleared: float = 0.0


@dataclass
class Universe:
    communes: list[Commune]
    categories: list[Category]
    commune_cum: list[float] = field(default_factory=list)
    category_cum: list[float] = field(default_factory=list)
    hour_cum: list[float] = field(default_factory=list)


def load_universe() -> Universe:
    """Communes and categories of the SQLite database, with their weights (deterministic)."""
    from binhyen.areas.models import Area, Level
    from binhyen.incidents.models import CrimeCategory

    rng = random.Random(SEED)
    communes = [
        Commune(code, path, kind, pk)
        for pk, code, path, kind in Area.objects.filter(level=Level.COMMUNE)
        .order_by("path")
        .values_list("pk", "code", "path", "type")
    ]
    by_province: dict[str, list[Commune]] = {}
    for c in communes:
        by_province.setdefault(c.path[:2], []).append(c)
    for province, members in by_province.items():
        raw = [TYPE_FACTOR.get(c.type, 1.0) * rng.lognormvariate(0, 0.5) for c in members]
        population = PROVINCE_POPULATION.get(province, len(members) / 100)
        for c, r in zip(members, raw, strict=True):
            c.weight = population * r / sum(raw)
    categories = [
        Category(code, group, pk)
        for pk, code, group in CrimeCategory.objects.order_by("order").values_list("pk", "code", "group")
    ]
    mix = {c.code: CATEGORY_MIX.get(c.code, (1.0, 0.3)) for c in categories}
    total = sum(share for share, _ in mix.values())
    overall = sum(share * cleared for share, cleared in mix.values()) / total
    for c in categories:
        share, cleared = mix[c.code]
        c.share = share / total
        c.cleared = min(1.0, cleared * CLEARED_SHARE / overall)
    u = Universe(communes, categories)
    u.commune_cum = list(_accumulate(c.weight for c in communes))
    u.category_cum = list(_accumulate(c.share for c in categories))
    u.hour_cum = list(_accumulate(HOUR_WEIGHTS))
    return u


def _accumulate(values: Any) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


@dataclass
class Row:
    at: datetime.datetime  # naive UTC
    commune: Commune
    category: Category
    cleared: bool
    cleared_at: datetime.datetime | None
    suspects: int
    deaths: int
    injuries: int


def generate(u: Universe, plan: list[tuple[datetime.date, int]], seed: int) -> Iterator[list[Row]]:
    """The incidents, day by day, in chunks of about CHUNK rows."""
    rng = random.Random(seed)
    communes, categories = u.communes, u.categories
    n_communes, n_categories = range(len(communes)), range(len(categories))
    hours = range(24)
    chunk: list[Row] = []
    for day, k in plan:
        if not k:
            continue
        midnight_utc = datetime.datetime.combine(day, datetime.time.min) - UTC_OFFSET
        where = rng.choices(n_communes, cum_weights=u.commune_cum, k=k)
        what = rng.choices(n_categories, cum_weights=u.category_cum, k=k)
        when = rng.choices(hours, cum_weights=u.hour_cum, k=k)
        for j in range(k):
            cat = categories[what[j]]
            at = midnight_utc + datetime.timedelta(seconds=when[j] * 3600 + int(rng.random() * 3600))
            cleared = rng.random() < cat.cleared
            suspects = 1 + (rng.random() < 0.35) + (rng.random() < 0.1) if cleared else 0
            injuries = 0
            if cat.code in INJURY_CATEGORIES and rng.random() < 0.2:
                injuries = 1 + (rng.random() < 0.3)
            deaths = 1 if rng.random() < 0.003 else 0
            cleared_at = at + datetime.timedelta(days=int(rng.random() * 60)) if cleared else None
            chunk.append(Row(at, communes[where[j]], cat, cleared, cleared_at, suspects, deaths, injuries))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def fresh_rows(u: Universe, year: int, n: int) -> list[Row]:
    """n more incidents spread over `year` (another seed): what the freshness step creates."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    plan = schedule(n, first, last, SEED_FRESH)
    return [r for chunk in generate(u, plan, SEED_FRESH) for r in chunk]


# --- loading ----------------------------------------------------------------------------------------

INCIDENT_COLUMNS = (
    "category_id, occurred_at, commune_id, area_path, address, summary, cleared, cleared_at, "
    "suspects, victims, deaths, injuries, search_text, created_at, updated_at"
)


def _ts(value: datetime.datetime) -> str:
    return value.isoformat(" ")


class Sinks:
    """Writes each generated chunk to SQLite, PostgreSQL (COPY) and a CSV file for DuckDB; times each."""

    def __init__(self, sqlite_cursor: Any, pg_copy: Any, csv_file: Any) -> None:
        self.sqlite_cursor = sqlite_cursor
        self.pg_copy = pg_copy
        self.csv = csv_file
        self.seconds = {"generate": 0.0, "SQLite insert": 0.0, "PostgreSQL COPY": 0.0, "DuckDB CSV": 0.0}
        self.rows = 0
        self.sql = f"INSERT INTO incidents_incident ({INCIDENT_COLUMNS}) VALUES ({', '.join(['%s'] * 15)})"

    def write(self, chunk: list[Row]) -> None:
        t = time.perf_counter()
        lite = []
        for r in chunk:
            at = _ts(r.at)
            cleared_at = _ts(r.cleared_at) if r.cleared_at else None
            lite.append((r.category.sqlite_id, at, r.commune.sqlite_id, r.commune.path, "", "", r.cleared,
                         cleared_at, r.suspects, 0, r.deaths, r.injuries, "", at, at))  # fmt: skip
        t2 = time.perf_counter()
        self.sqlite_cursor.executemany(self.sql, lite)
        t3 = time.perf_counter()
        lines = []
        for r, row in zip(chunk, lite, strict=True):
            cleared_at = f"{row[7]}+00" if row[7] else "\\N"
            lines.append(
                f"{r.category.pg_id}\t{row[1]}+00\t{r.commune.pg_id}\t{r.commune.path}\t\t\t"
                f"{'t' if r.cleared else 'f'}\t{cleared_at}\t{r.suspects}\t0\t{r.deaths}\t{r.injuries}\t\t"
                f"{row[1]}+00\t{row[1]}+00\n"
            )
        t4 = time.perf_counter()
        self.pg_copy.write("".join(lines))
        t5 = time.perf_counter()
        start = self.rows
        self.csv.writelines(
            f"{start + i + 1},{row[1]},{r.category.sqlite_id},{r.commune.path},{int(r.cleared)},"
            f"{r.suspects},{r.deaths},{r.injuries}\n"
            for i, (r, row) in enumerate(zip(chunk, lite, strict=True))
        )
        t6 = time.perf_counter()
        self.rows += len(chunk)
        self.seconds["generate"] += (t2 - t) + (t4 - t3)
        self.seconds["SQLite insert"] += t3 - t2
        self.seconds["PostgreSQL COPY"] += t5 - t4
        self.seconds["DuckDB CSV"] += t6 - t5


def _admin_conninfo(url: str) -> tuple[str, str]:
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info.get("dbname") or "")
    # It is dropped and created: only names that say they are throwaway.
    if not name.startswith(("binhyen_bench", "binhyen_stats")):
        raise SystemExit(f"the PostgreSQL URL must name a binhyen_bench* or binhyen_stats* database: {url}")
    return psycopg.conninfo.make_conninfo(url, dbname="postgres"), name


def postgres_problem(url: str) -> str:
    import psycopg

    try:
        with psycopg.connect(_admin_conninfo(url)[0], connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        return str(e).strip()
    return ""


def recreate_postgres(url: str, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def binhyen(url: str, *args: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, BINHYEN_ENV="test")
    command = [str(Path(sys.executable).with_name("binhyen")), *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def sqlite_secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
    return [(name, sql) for name, sql in cursor.fetchall() if sql]


def pg_secondary_indexes_and_fks(
    conn: Any, table: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    fks = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    ).fetchall()
    return indexes, fks


def load_all(u: Universe, var_dir: Path, pg_url: str | None, n: int) -> tuple[dict[str, float], Path]:
    """One generation pass into SQLite (default connection), PostgreSQL (COPY) and a CSV for DuckDB."""
    from django.db import connection, transaction

    seconds: dict[str, float] = {}
    plan = schedule(n, FIRST_DAY, LAST_DAY, SEED)
    csv_path = var_dir / "incidents.csv"
    table = "incidents_incident"

    connection.close()
    with connection.cursor() as c:
        # Bulk-load settings (the connection is reopened with the app's settings afterwards).
        for pragma in ("journal_mode=MEMORY", "synchronous=OFF", "cache_size=-1048576", "foreign_keys=OFF"):
            c.execute(f"PRAGMA {pragma}")
        lite_indexes = sqlite_secondary_indexes(c, table)
        for name, _ in lite_indexes:
            c.execute(f'DROP INDEX "{name}"')

    pg_conn: Any = None
    pg_indexes: list[tuple[str, str]] = []
    pg_fks: list[tuple[str, str]] = []
    if pg_url:
        import psycopg

        pg_conn = psycopg.connect(pg_url)
        pg_indexes, pg_fks = pg_secondary_indexes_and_fks(pg_conn, table)
        for name, _ in pg_fks:
            pg_conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in pg_indexes:
            pg_conn.execute(f'DROP INDEX "{name}"')

    class NoCopy:
        def write(self, data: str) -> None:
            pass

    started = time.perf_counter()
    with (
        csv_path.open("w", encoding="utf-8", newline="") as out,
        transaction.atomic(),
        connection.cursor() as lite,
    ):
        if pg_conn is not None:
            with pg_conn.cursor() as pgc, pgc.copy(f"COPY {table} ({INCIDENT_COLUMNS}) FROM STDIN") as copy:
                sinks = Sinks(lite, copy, out)
                for chunk in generate(u, plan, SEED):
                    sinks.write(chunk)
                    _tick(sinks.rows, n)
        else:
            sinks = Sinks(lite, NoCopy(), out)
            for chunk in generate(u, plan, SEED):
                sinks.write(chunk)
                _tick(sinks.rows, n)
    print(file=sys.stderr)
    assert sinks.rows == n, (sinks.rows, n)
    seconds["one pass: generate + write all three"] = time.perf_counter() - started
    seconds.update({f"  of which {k}": v for k, v in sinks.seconds.items()})

    t = time.perf_counter()
    with connection.cursor() as c:
        for _, sql in lite_indexes:
            c.execute(sql)
    seconds[f"SQLite: {len(lite_indexes)} indexes created"] = time.perf_counter() - t
    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute(f"PRAGMA foreign_key_check({table})")
        bad = c.fetchall()
        assert not bad, f"foreign key violations: {bad[:5]}"
    seconds["SQLite: foreign_key_check"] = time.perf_counter() - t

    if pg_conn is not None:
        t = time.perf_counter()
        pg_conn.commit()
        seconds["PostgreSQL: COPY commit"] = time.perf_counter() - t
        t = time.perf_counter()
        pg_conn.execute("SET maintenance_work_mem = '512MB'")
        for _, sql in pg_indexes:
            pg_conn.execute(sql)
        for name, definition in pg_fks:
            pg_conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        pg_conn.commit()
        seconds[f"PostgreSQL: {len(pg_indexes)} indexes + {len(pg_fks)} foreign keys"] = (
            time.perf_counter() - t
        )
        pg_conn.close()
    return seconds, csv_path


_last_tick = [0.0]


def _tick(done: int, total: int) -> None:
    now = time.monotonic()
    if now - _last_tick[0] > 10 or done == total:
        _last_tick[0] = now
        print(f"\r  loaded {done:,}/{total:,}", end="", file=sys.stderr, flush=True)


def load_duckdb(csv_path: Path, u: Universe) -> tuple[Any, float]:
    import duckdb

    t = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE incidents (id BIGINT, occurred_at TIMESTAMP, category_id INTEGER, area_path VARCHAR, "
        "cleared BOOLEAN, suspects INTEGER, deaths INTEGER, injuries INTEGER)"
    )
    con.execute(
        "INSERT INTO incidents SELECT * FROM read_csv(?, header = false, columns = {"
        "'id': 'BIGINT', 'occurred_at': 'TIMESTAMP', 'category_id': 'INTEGER', 'area_path': 'VARCHAR', "
        "'cleared': 'BOOLEAN', 'suspects': 'INTEGER', 'deaths': 'INTEGER', 'injuries': 'INTEGER'})",
        [str(csv_path)],
    )
    con.execute("CREATE TABLE categories (id INTEGER, code VARCHAR, grp VARCHAR)")
    con.executemany(
        "INSERT INTO categories VALUES (?, ?, ?)", [(c.sqlite_id, c.code, c.group) for c in u.categories]
    )
    return con, time.perf_counter() - t


# --- the two reports --------------------------------------------------------------------------------

Answer = dict[str, Any]


def _ratio(n: float, d: float) -> float | None:
    return None if not d else n / d * 100


def ours(period: Any) -> Any:
    """The whole national report, as the dashboard and the official report build it."""
    from binhyen.stats import summary

    return summary.build("", period)


def ours_numbers(s: Any) -> Answer:
    """The incident numbers the report states, in the shape DuckDB's answer has."""
    out: Answer = {}
    for code in ("incidents", "incidents_social_order", "incidents_cleared", "incidents_cleared_pct"):
        f = s.figure(code)
        out[code] = (f.value, f.previous, f.last_year)
    b = next(b for b in s.breakdowns if b.code == "incidents")
    out["by_category"] = {r.key: (r.value, r.last_year) for r in b.rows}
    out["ranking"] = [(r.path, r.value) for r in s.ranking["incidents"]]
    return out


def utc_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    lo = datetime.datetime.combine(start, datetime.time.min) - UTC_OFFSET
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min) - UTC_OFFSET
    return lo, hi


def duck(con: Any, period: Any) -> Answer:
    """The same incident numbers by GROUP BY over the raw rows."""
    prev, last = period.previous(), period.same_period_last_year()
    wanted = {(p.start, p.end) for p in (period, prev, last)}
    by_period: dict[tuple[datetime.date, datetime.date], dict[str, tuple[int, int, bool]]] = {}
    for start, end in wanted:
        lo, hi = utc_bounds(start, end)
        rows = con.execute(
            "SELECT c.code, c.grp = ?, count(*), count(*) FILTER (WHERE i.cleared) "
            "FROM incidents i JOIN categories c ON c.id = i.category_id "
            "WHERE i.occurred_at >= ? AND i.occurred_at < ? GROUP BY c.code, c.grp",
            [SOCIAL_ORDER, lo, hi],
        ).fetchall()
        by_period[(start, end)] = {code: (n, cleared, social) for code, social, n, cleared in rows}
    lo, hi = utc_bounds(period.start, period.end)
    ranking = con.execute(
        "SELECT substr(area_path, 1, 2) AS province, count(*) AS n FROM incidents "
        "WHERE occurred_at >= ? AND occurred_at < ? GROUP BY province ORDER BY n DESC",
        [lo, hi],
    ).fetchall()
    return {"by_period": by_period, "ranking": ranking}


def duck_numbers(period: Any, answer: Answer) -> Answer:
    by_period = answer["by_period"]

    def totals(p: Any) -> tuple[float, float, float]:
        cats = by_period[(p.start, p.end)]
        n = sum(v[0] for v in cats.values())
        social = sum(v[0] for v in cats.values() if v[2])
        cleared = sum(v[1] for v in cats.values())
        return float(n), float(social), float(cleared)

    now, prev, last = totals(period), totals(period.previous()), totals(period.same_period_last_year())
    out: Answer = {
        "incidents": (now[0], prev[0], last[0]),
        "incidents_social_order": (now[1], prev[1], last[1]),
        "incidents_cleared": (now[2], prev[2], last[2]),
        "incidents_cleared_pct": tuple(_ratio(t[2], t[0]) for t in (now, prev, last)),
    }
    this = by_period[(period.start, period.end)]
    before = by_period[(period.same_period_last_year().start, period.same_period_last_year().end)]
    out["by_category"] = {
        code: (float(this.get(code, (0, 0, False))[0]), float(before.get(code, (0, 0, False))[0]))
        for code in set(this) | set(before)
    }
    out["ranking"] = [(p, float(n)) for p, n in answer["ranking"]]
    return out


def compare(label: str, a: Answer, b: Answer) -> None:
    problems = []
    for key in ("incidents", "incidents_social_order", "incidents_cleared", "incidents_cleared_pct"):
        if a[key] != b[key]:
            problems.append(f"{key}: ours {a[key]} DuckDB {b[key]}")
    if a["by_category"] != b["by_category"]:
        x, y = a["by_category"], b["by_category"]
        diff = {k: (x.get(k), y.get(k)) for k in set(x) | set(y) if x.get(k) != y.get(k)}
        problems.append(f"by category: {diff}")
    # Same figure per province, and the same order where figures differ (ties may come in any order).
    if dict(a["ranking"]) != dict(b["ranking"]) or [v for _, v in a["ranking"]] != [
        v for _, v in b["ranking"]
    ]:
        problems.append(f"ranking: ours {a['ranking'][:5]}... DuckDB {b['ranking'][:5]}...")
    if problems:
        raise AssertionError(f"{label}: our report and DuckDB disagree:\n  " + "\n  ".join(problems))


# --- measuring --------------------------------------------------------------------------------------


@dataclass
class Case:
    database: str
    period: str
    ours_ms: float
    duck_ms: float
    incidents: float


@dataclass
class Fresh:
    database: str
    insert_s: float
    run_ms: float
    cells: int
    before: float
    after: float


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def measure(database: str, con: Any, periods_: list[Any], rounds: int) -> list[Case]:
    from django.db import connection

    from binhyen.stats.models import Count

    out = []
    with connection.cursor() as c:
        c.execute("SELECT 1")
    print(f"  {database}: {Count.objects.count():,} rollup rows")
    for period in periods_:
        ours_answer = ours_numbers(ours(period))
        duck_answer = duck_numbers(period, duck(con, period))
        compare(f"{database} {period.id}", ours_answer, duck_answer)
        print(f"  {database} {period.id}: our report and DuckDB agree on every number "
              f"({ours_answer['incidents'][0]:,.0f} incidents, {len(ours_answer['by_category'])} categories, "
              f"{len(ours_answer['ranking'])} provinces)")  # fmt: skip
        ours_s: list[float] = []
        duck_s: list[float] = []
        for i in range(rounds + 1):  # round 0 warms up
            pair = [("ours", lambda p=period: ours(p)), ("duck", lambda p=period: duck(con, p))]
            if i % 2:
                pair.reverse()
            for name, fn in pair:
                seconds, _ = timed(fn)
                if i:
                    (ours_s if name == "ours" else duck_s).append(seconds)
        out.append(
            Case(database, period.id, statistics.median(ours_s) * 1000, statistics.median(duck_s) * 1000,
                 ours_answer["incidents"][0])
        )  # fmt: skip
    return out


class _NoTask:
    """Stands in for the queued rollup job (the worker's job is run and timed here instead)."""

    def enqueue(self, *args: Any, **kwargs: Any) -> None:
        return None


def freshness(database: str, u: Universe, period: Any) -> tuple[Fresh, list[Row]]:
    from django.db import connection

    from binhyen.areas.models import Area
    from binhyen.incidents.models import CrimeCategory, Incident
    from binhyen.stats import rollup
    from binhyen.stats.models import Dirty

    before = ours_numbers(ours(period))["incidents"][0]
    rows = fresh_rows(u, period.start.year, FRESH)  # a calendar year: every row falls inside it
    assert len(rows) == FRESH and all(period.start <= (r.at + UTC_OFFSET).date() <= period.end for r in rows)
    areas = {a.code: a for a in Area.objects.filter(code__in={r.commune.code for r in rows})}
    cats = {c.code: c for c in CrimeCategory.objects.all()}
    assert not Dirty.objects.exists()
    t = time.perf_counter()
    with mock.patch("binhyen.stats.tasks.rollup_task", _NoTask()):
        for r in rows:
            Incident.objects.create(
                category=cats[r.category.code], commune=areas[r.commune.code], summary="Vụ việc mới",
                occurred_at=r.at.replace(tzinfo=datetime.UTC), cleared=r.cleared,
                cleared_at=r.cleared_at.replace(tzinfo=datetime.UTC) if r.cleared_at else None,
                suspects=r.suspects, deaths=r.deaths, injuries=r.injuries,
            )  # fmt: skip
    insert_s = time.perf_counter() - t
    pending = Dirty.objects.count()
    t = time.perf_counter()
    cells = rollup.run()
    run_s = time.perf_counter() - t
    after = ours_numbers(ours(period))["incidents"][0]
    print(f"  {database}: {len(rows):,} incidents created through the ORM in {insert_s:.1f} s, "
          f"{pending:,} dirty marks; rollup.run() recomputed {cells:,} cells in {run_s * 1000:.0f} ms; "
          f"national {period.id}: {before:,.0f} -> {after:,.0f}; load average {load()}")  # fmt: skip
    assert after - before == len(rows), f"{database}: the figure moved by {after - before}, not {len(rows)}"
    connection.close()
    return Fresh(database, insert_s, run_s * 1000, cells, before, after), rows


def add_to_duckdb(con: Any, rows: list[Row], start_id: int) -> None:
    con.executemany(
        "INSERT INTO incidents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(start_id + i, r.at, r.category.sqlite_id, r.commune.path, r.cleared, r.suspects, r.deaths,
          r.injuries) for i, r in enumerate(rows, start=1)],
    )  # fmt: skip


def build_rollups(database: str) -> tuple[float, int]:
    from binhyen.stats import bulk, registry

    t = time.perf_counter()
    written = bulk.rebuild_source(registry.source("incidents"))
    seconds = time.perf_counter() - t
    print(
        f"  {database}: rollups built with bulk.rebuild_source in {seconds:.1f} s ({written:,} rows, "
        f"{written / seconds:,.0f} rows/s; load average {load()})"
    )
    return seconds, written


def switch_default_database(url: str) -> None:
    """Point this process's default connection at `url` (settings are read once per process)."""
    import dj_database_url
    from django.db import connections

    connections["default"].close()
    conf = connections.configure_settings({"default": dj_database_url.parse(url, conn_max_age=0)})
    connections.settings["default"] = conf["default"]
    del connections["default"]


def pg_ids(url: str, u: Universe) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        areas = dict(conn.execute("SELECT code, id FROM areas_area WHERE level = 2").fetchall())
        cats = dict(conn.execute("SELECT code, id FROM incidents_crimecategory").fetchall())
    for c in u.communes:
        c.pg_id = areas[c.code]
    for k in u.categories:
        k.pg_id = cats[k.code]


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import django
    import duckdb

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"Django {django.get_version()}, SQLite {sqlite3.sqlite_version}, DuckDB {duckdb.__version__}"
    )


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def file_size(path: Path) -> str:
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return f"{size / 2**30:.2f} GiB"


# --- the benchmark ----------------------------------------------------------------------------------


def run(db: BenchDatabase, rounds: int) -> None:
    if db.vendor != "sqlite":
        print("stats_report: skipped in the --postgres pass (it loads its own PostgreSQL database)")
        return
    from django.db import connection

    from binhyen.areas.domain import load_official_units
    from binhyen.stats import periods

    n = int(os.environ.get("BENCH_STATS_INCIDENTS", str(N_INCIDENTS)))
    rounds = max(5, rounds)
    wall = time.perf_counter()
    print(f"== stats_report: {n:,} incidents, {FIRST_DAY} to {LAST_DAY}, national report for "
          f"{', '.join(REPORT_PERIODS)} ==")  # fmt: skip
    print(f"machine: {machine()}")
    print(f"load average at start: {load()}")
    report_periods = [periods.parse(p) for p in REPORT_PERIODS]
    setup: dict[str, float] = {}

    t = time.perf_counter()
    load_official_units()
    u = load_universe()
    setup["SQLite: areas load"] = time.perf_counter() - t

    url = postgres_url()
    problem = postgres_problem(url)
    pg_url = None if problem else url
    if problem:
        print(f"PostgreSQL skipped: cannot reach {url}: {problem}")
    else:
        t = time.perf_counter()
        recreate_postgres(url)
        binhyen(url, "migrate", "--verbosity", "0")
        binhyen(url, "areas", "load")
        pg_ids(url, u)
        setup["PostgreSQL: create, migrate, areas load"] = time.perf_counter() - t

    loaded, csv_path = load_all(u, db.var_dir, pg_url, n)
    setup.update(loaded)
    con, seconds = load_duckdb(csv_path, u)
    setup["DuckDB: read_csv into an in-memory table"] = seconds
    csv_path.unlink()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]

    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute("PRAGMA analysis_limit = 1000")
        c.execute("ANALYZE")
    setup["SQLite: ANALYZE"] = time.perf_counter() - t
    for k, v in setup.items():
        print(f"  {k}: {v:.1f} s")

    cases: list[Case] = []
    fresh: list[Fresh] = []
    builds: dict[str, tuple[float, int]] = {}

    # SQLite
    builds["SQLite"] = build_rollups("SQLite")
    with connection.cursor() as c:
        c.execute("ANALYZE stats_count")
        c.execute("PRAGMA journal_mode = WAL")
    connection.close()  # reopen with the application's settings (WAL, synchronous=NORMAL, default cache)
    print(f"  SQLite file: {file_size(Path(db.url.removeprefix('sqlite:///')))}; load average {load()}")
    cases += measure("SQLite", con, report_periods, rounds)
    if "sqlite" in FRESHNESS:
        f, rows = freshness("SQLite", u, report_periods[0])
        fresh.append(f)
        add_to_duckdb(con, rows, n)
        compare("SQLite after the new incidents", ours_numbers(ours(report_periods[0])),
                duck_numbers(report_periods[0], duck(con, report_periods[0])))  # fmt: skip
        print("  SQLite: after the new incidents, our report and DuckDB (with the same rows) agree again")
        con.execute("DELETE FROM incidents WHERE id > ?", [n])

    if pg_url:
        switch_default_database(pg_url)
        builds["PostgreSQL"] = build_rollups("PostgreSQL")
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as pg:
            t = time.perf_counter()
            pg.execute("VACUUM ANALYZE")
            print(f"  PostgreSQL: VACUUM ANALYZE {time.perf_counter() - t:.1f} s")
            version = pg.execute("SHOW server_version").fetchone()
            settings = pg.execute(
                "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ') FROM pg_settings "
                "WHERE name IN ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather')"
            ).fetchone()
            size = pg.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
        print(f"  PostgreSQL {version[0] if version else '?'} ({settings[0] if settings else ''}); "
              f"database {size[0] if size else '?'}; load average {load()}")  # fmt: skip
        cases += measure("PostgreSQL", con, report_periods, rounds)
        if "postgresql" in FRESHNESS:
            f, _ = freshness("PostgreSQL", u, report_periods[0])
            fresh.append(f)
        connection.close()
        if not KEEP_PG:
            recreate_postgres(pg_url, drop_only=True)

    print()
    print(f"load average at end: {load()}; wall time {time.perf_counter() - wall:.0f} s")
    print(f"timing: 1 warm-up + {rounds} timed rounds per case, ours and DuckDB interleaved, the order "
          f"alternating; DuckDB in-process, in memory, threads={threads}")  # fmt: skip
    print()
    table_rows = []
    for c in cases:
        target = ""
        if c.database == "SQLite":
            target = f"<= {TARGET_SQLITE_MS:.0f} ms: {'met' if c.ours_ms <= TARGET_SQLITE_MS else 'MISSED'}"
        elif c.database == "PostgreSQL":
            target = f"< DuckDB: {'met' if c.ours_ms < c.duck_ms else 'MISSED'}"
        table_rows.append([f"{c.database} {c.period}", f"{c.incidents:,.0f}", f"{c.ours_ms:.1f}",
                           f"{c.duck_ms:.1f}", f"{c.ours_ms / c.duck_ms:.2f}", target])  # fmt: skip
    print_table(["report", "incidents", "ours ms", "DuckDB ms", "ours/DuckDB", "target"], table_rows)
    print("(ms: median wall time of the whole national report; ours reads rollup rows through the ORM, "
          "DuckDB groups the raw rows)")  # fmt: skip
    print()
    print_table(
        ["freshness", "new incidents", "ORM inserts s", "rollup.run() ms", "cells", "target <= 1,000 ms"],
        [[f.database, f"{f.after - f.before:,.0f}", f"{f.insert_s:.1f}", f"{f.run_ms:.0f}", f"{f.cells:,}",
          "met" if f.run_ms <= TARGET_FRESH_MS else "MISSED"] for f in fresh],
    )  # fmt: skip
    print()
    print_table(
        ["rollup build", "seconds", "rows written", "rows/s"],
        [[k, f"{s:.1f}", f"{w:,}", f"{w / s:,.0f}"] for k, (s, w) in builds.items()],
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.stats_report [--incidents N] [--rounds R] [--keep]` without the runner."""
    import shutil

    from bench import make_var_dir, setup_django

    parser = argparse.ArgumentParser(prog="python -m bench.stats_report", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--incidents", type=int, default=N_INCIDENTS, help="incidents to generate (default 10M)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (at least 5)")
    parser.add_argument("--keep", action="store_true", help="keep the /tmp/bench-var-<pid> directory")
    args = parser.parse_args(argv)
    os.environ["BENCH_STATS_INCIDENTS"] = str(args.incidents)
    var_dir = make_var_dir()
    try:
        db = setup_django(None, var_dir)
        run(db, args.rounds)
    finally:
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
