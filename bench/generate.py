"""`binhyen generate` at a scale, against the database's own server-side insert of as many incidents.

Scale: BENCH_GENERATE_SCALE (commune, province or nation; default province, so `make bench` stays
reasonable). Rounds: BENCH_GENERATE_ROUNDS (default 1; each round replaces the previous one with --force
semantics, so every round loads the same rows into tables holding only what the previous round left).

Measured in one run, on the runner's database (a fresh SQLite file, or the --postgres database):
- ours: `binhyen.synth.generate.generate` (what `binhyen generate --scale S --no-rollups` runs): seconds
  per phase, rows, rows/s; the incidents pass is Python generating and formatting each row plus COPY
  (PostgreSQL) or executemany (SQLite), with the table's secondary indexes dropped and rebuilt;
- baseline: the same number of incident rows made by the database itself, without Python: PostgreSQL
  `INSERT … SELECT … FROM generate_series(1, n)`, SQLite a recursive CTE, into an index-less copy of
  the incidents table (`CREATE TABLE … AS SELECT … WHERE false`), then the same secondary indexes built
  on it. The ratio says what the Python side costs over the database's own insert speed.

Run: `BINHYEN_ENV=test python -m bench generate [--postgres postgres://…/binhyen_synth_bench]`.
"""

from __future__ import annotations

import os
import re
import time

from bench import BenchDatabase, print_table

SCALE = os.environ.get("BENCH_GENERATE_SCALE", "province")
ROUNDS = int(os.environ.get("BENCH_GENERATE_ROUNDS", "1"))
COPY_TABLE = "bench_incident_copy"


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def baseline(vendor: str, n: int) -> tuple[float, float]:
    """(seconds to insert n rows server-side, seconds to build the incidents table's indexes on them)."""
    from django.db import connection, transaction

    from binhyen.areas.models import Area, Level
    from binhyen.incidents.models import CrimeCategory

    commune = Area.objects.filter(level=Level.COMMUNE).order_by("path").values_list("pk", "path")[0]
    category = CrimeCategory.objects.order_by("pk").values_list("pk", flat=True)[0]
    with connection.cursor() as c:
        c.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        c.execute(f"CREATE TABLE {COPY_TABLE} AS SELECT * FROM incidents_incident WHERE 1 = 0")
        if vendor == "postgresql":
            c.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'incidents_incident' "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                "WHERE conrelid = 'incidents_incident'::regclass)"
            )
        else:
            c.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents_incident'"
            )
        indexes = [
            re.sub(
                r'INDEX\s+"?(\w+)"?\s+ON\s+(\w+\.)?"?incidents_incident"?',
                lambda m: f'INDEX "{("bench_" + m.group(1))[:63]}" ON {COPY_TABLE}',
                str(sql),
            )
            for (sql,) in c.fetchall()
            if sql
        ]
    if vendor == "postgresql":
        sql = (
            f"INSERT INTO {COPY_TABLE} (id, category_id, occurred_at, commune_id, area_path, address, "
            "summary, cleared, suspects, victims, deaths, injuries, search_text, created_at, updated_at) "
            "SELECT i, %s, timestamptz '2023-01-01' + mod(i, 94608000) * interval '1 second', %s, %s, '', "
            "'Trộm cắp tài sản', mod(i, 5) = 0, mod(i, 3), 1, 0, 0, 'trom cap tai san', now(), now() "
            "FROM generate_series(1, %s) AS i"
        )
    else:
        sql = (
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
            f"INSERT INTO {COPY_TABLE} (id, category_id, occurred_at, commune_id, area_path, address, "
            "summary, cleared, suspects, victims, deaths, injuries, search_text, created_at, updated_at) "
            "SELECT i, %s, datetime('2023-01-01', '+' || (i % 94608000) || ' seconds'), %s, %s, '', "
            "'Trộm cắp tài sản', i % 5 = 0, i % 3, 1, 0, 0, 'trom cap tai san', datetime('now'), "
            "datetime('now') FROM s"
        )
    params = [category, commune[0], commune[1], n] if vendor == "postgresql" else [n, category, *commune]
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    inserted = time.perf_counter() - t
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        for statement in indexes:
            c.execute(statement)
    indexed = time.perf_counter() - t
    with connection.cursor() as c:
        c.execute(f"DROP TABLE {COPY_TABLE}")
    return inserted, indexed


def run(db: BenchDatabase, rounds: int) -> None:
    from binhyen.areas.domain import load_official_units
    from binhyen.synth import generate as synth

    rounds = max(1, min(rounds, ROUNDS))
    database = "PostgreSQL" if db.vendor == "postgresql" else "SQLite"
    print(f"== generate: --scale {SCALE} on {database}, {rounds} round(s); load average {load()} ==")
    load_official_units()
    results = []
    for i in range(rounds):
        t = time.perf_counter()
        result = synth.generate(synth.Options(scale=SCALE, seed=1, force=True, rollups=False))
        wall = time.perf_counter() - t
        results.append((wall, result))
        print(f"  round {i + 1}: {sum(result.counts.values()):,} rows in {wall:.1f} s; load average {load()}")
    wall, result = min(results, key=lambda r: r[0])
    total = sum(result.counts.values())
    print_table(
        ["phase", "seconds"],
        [[phase, f"{s:.1f}"] for phase, s in result.seconds.items()] + [["total", f"{wall:.1f}"]],
    )
    print()
    print_table(["table", "rows"], [[t, f"{n:,}"] for t, n in result.counts.items() if n])
    n = result.counts["incidents_incident"]
    ours = result.seconds.get("load: incidents", 0.0)
    inserted, indexed = baseline(db.vendor, n)
    how = "COPY" if db.vendor == "postgresql" else "executemany"
    print()
    print_table(
        ["incidents", "rows", "load s", "rows/s", "index build s"],
        [
            [f"ours: generate (Python + {how})", f"{n:,}",
             f"{ours:.1f}", f"{n / max(ours, 1e-9):,.0f}", "(in 'indexes and foreign keys')"],
            ["baseline: server-side INSERT ... SELECT", f"{n:,}", f"{inserted:.1f}",
             f"{n / max(inserted, 1e-9):,.0f}", f"{indexed:.1f}"],
        ],
    )  # fmt: skip
    print(
        f"  ours / baseline (incidents load): {ours / max(inserted, 1e-9):.2f}; "
        f"whole generate: {total:,} rows in {wall:.1f} s ({total / wall:,.0f} rows/s); "
        f"peak RSS {result.peak_rss_mib:.0f} MiB; "
        f"load average {load()}"
    )
