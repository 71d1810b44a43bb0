"""Subtree queries ("everything in this province"): the materialised path against the parent FK walk.

ours      Area.objects.within(province): one range scan, path >= P AND path < P || 'z'.
baseline  what a schema with only a parent FK needs: one `parent_id IN (...)` query per level, feeding the
          ids found into the next query. The walker is given the benefit of knowing the tree is three
          levels deep (it stops at villages instead of issuing a last, empty query), and its count
          does the last level with COUNT(*) in SQL rather than fetching the ids.

Both are timed in the same process against the same data, interleaved, and must return identical sets
(the benchmark raises otherwise). Data: the 34 provinces and 3,321 communes, plus 12 villages per commune.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from tqdm import tqdm

from bench import BenchDatabase, median_ms, print_table
from binhyen.areas.domain import load_official_units
from binhyen.areas.models import Area, AreaType, Level
from binhyen.core.text import fold

VILLAGES_PER_COMMUNE = 12
SINGLE_REPEATS_PER_ROUND = 10  # the single-province case times this many calls per round
BATCH = 2000

T = TypeVar("T")


# --- the two ways ---------------------------------------------------------------------------------


def ours_count(province: Area) -> int:
    return Area.objects.within(province).count()


def ours_codes(province: Area) -> list[str]:
    # Sets are compared, so no ORDER BY for either side (the default Meta ordering would sort by path).
    return list(Area.objects.within(province).order_by().values_list("code", flat=True))


def baseline_count(province: Area) -> int:
    total = 1  # the province itself
    frontier = [province.pk]
    level = province.level
    while frontier and level < Level.VILLAGE:
        level += 1
        children = Area.objects.filter(parent_id__in=frontier)
        if level == Level.VILLAGE:
            total += children.count()
            break
        frontier = list(children.order_by().values_list("pk", flat=True))
        total += len(frontier)
    return total


def baseline_codes(province: Area) -> list[str]:
    codes = [province.code]
    frontier = [province.pk]
    level = province.level
    while frontier and level < Level.VILLAGE:
        level += 1
        rows = list(Area.objects.filter(parent_id__in=frontier).order_by().values_list("pk", "code"))
        codes.extend(code for _, code in rows)
        frontier = [pk for pk, _ in rows]
    return codes


# --- data -----------------------------------------------------------------------------------------


@dataclass
class Seed:
    provinces: int
    communes: int
    villages: int
    seconds: float
    reused: bool


def _progress(desc: str, unit: str) -> Callable[[Iterable[T]], Iterable[T]]:
    def wrap(items: Iterable[T]) -> Iterable[T]:
        return tqdm(items, desc=desc, unit=unit, leave=False)

    return wrap


def seed() -> Seed:
    started = time.perf_counter()
    load_official_units(progress=_progress("official communes", "commune"))
    communes = list(Area.objects.filter(level=Level.COMMUNE).order_by("path"))
    expected = len(communes) * VILLAGES_PER_COMMUNE
    existing = Area.objects.filter(level=Level.VILLAGE).count()
    reused = existing == expected
    if existing and not reused:
        raise SystemExit(
            f"The bench database already holds {existing} villages (expected 0 or {expected}); "
            "point --postgres at an empty or bench-only database."
        )
    if not reused:
        # Straight bulk_create (no domain rules, no audit) is fine for throwaway bench data.
        with transaction.atomic():
            batch: list[Area] = []
            for commune in tqdm(communes, desc="villages", unit="commune", leave=False):
                for n in range(1, VILLAGES_PER_COMMUNE + 1):
                    name = f"Thôn {n}"
                    batch.append(
                        Area(
                            code=f"{commune.code}-{n:04d}",
                            name=name,
                            type=AreaType.VILLAGE,
                            level=Level.VILLAGE,
                            parent=commune,
                            path=commune.path + f"{n:04d}",
                            search_key=fold(name),
                        )
                    )
                if len(batch) >= BATCH:
                    Area.objects.bulk_create(batch)
                    batch = []
            Area.objects.bulk_create(batch)
            Area.objects.filter(level=Level.COMMUNE).update(village_count=VILLAGES_PER_COMMUNE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, for both sides alike
    return Seed(
        provinces=Area.objects.filter(level=Level.PROVINCE).count(),
        communes=len(communes),
        villages=Area.objects.filter(level=Level.VILLAGE).count(),
        seconds=time.perf_counter() - started,
        reused=reused,
    )


# --- checking and timing --------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    rows: str
    statements: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[float]] = field(default_factory=dict)


WAYS: dict[str, Callable[[Area], object]] = {
    "ours count": ours_count,
    "baseline count": baseline_count,
    "ours codes": ours_codes,
    "baseline codes": baseline_codes,
}


def statements(fn: Callable[[Area], object], province: Area) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn(province)
    return len(queries.captured_queries)


def verify(provinces: list[Area]) -> dict[int, int]:
    """Both ways agree for every province (raises AssertionError otherwise); returns rows per province."""
    sizes: dict[int, int] = {}
    for province in provinces:
        ours = ours_codes(province)
        base = baseline_codes(province)
        ours_set, base_set = set(ours), set(base)
        if ours_set != base_set or len(ours) != len(ours_set) or len(base) != len(base_set):
            raise AssertionError(
                f"{province.code} {province.name}: within() gave {len(ours)} rows, the parent walk "
                f"{len(base)}; only in within(): {sorted(ours_set - base_set)[:5]}, "
                f"only in the walk: {sorted(base_set - ours_set)[:5]}"
            )
        counts = {"ours": ours_count(province), "baseline": baseline_count(province)}
        if any(n != len(ours_set) for n in counts.values()):
            raise AssertionError(f"{province.code} {province.name}: counts {counts}, {len(ours_set)} codes")
        sizes[province.pk] = len(ours_set)
    return sizes


def timed(fn: Callable[[Area], object], province: Area, into: list[float]) -> None:
    started = time.perf_counter()
    fn(province)
    into.append(time.perf_counter() - started)


def measure(case: Case, provinces: list[Area], rounds: int, repeats: int) -> None:
    case.samples = {name: [] for name in WAYS}
    case.statements = {name: statements(fn, provinces[0]) for name, fn in WAYS.items()}
    order = list(WAYS.items())
    for r in tqdm(range(rounds), desc=case.label, unit="round", leave=False):
        # Alternate which way goes first, so neither always runs on a warmer cache.
        this_round = order if r % 2 == 0 else order[::-1]
        for province in provinces:
            for _ in range(repeats):
                for name, fn in this_round:
                    timed(fn, province, case.samples[name])


def ratio(case: Case, what: str) -> str:
    return f"{median_ms(case.samples['baseline ' + what]) / median_ms(case.samples['ours ' + what]):.1f}x"


def database_version(db: BenchDatabase) -> str:
    if db.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


def run(db: BenchDatabase, rounds: int) -> None:
    data = seed()
    provinces = list(Area.objects.filter(level=Level.PROVINCE).order_by("path"))
    sizes = verify(provinces)  # also the warm-up round
    largest = max(
        provinces,
        key=lambda p: Area.objects.within(p).filter(level=Level.VILLAGE).count(),
    )
    largest_villages = Area.objects.within(largest).filter(level=Level.VILLAGE).count()

    everyone = Case(
        label=f"all {len(provinces)} provinces",
        rows=f"{min(sizes.values()):,}–{max(sizes.values()):,}",
    )
    measure(everyone, provinces, rounds, repeats=1)
    single = Case(label=f"largest: {largest.name}", rows=f"{sizes[largest.pk]:,}")
    measure(single, [largest], rounds, repeats=SINGLE_REPEATS_PER_ROUND)

    print(f"== areas_subtree on {database_version(db)} ==")
    print(
        f"data: {data.provinces} provinces, {data.communes:,} communes, {data.villages:,} villages "
        f"({VILLAGES_PER_COMMUNE} per commune); "
        + ("reused existing bench data" if data.reused else f"set up in {data.seconds:.1f} s")
    )
    print(
        f"timing: {rounds} rounds x {len(provinces)} provinces = {len(everyone.samples['ours count'])} "
        f"calls per way; largest province ({largest_villages:,} villages): {rounds} rounds x "
        f"{SINGLE_REPEATS_PER_ROUND} = {len(single.samples['ours count'])} calls per way"
    )
    print("both ways returned identical code sets and counts for every province")
    print()
    rows: list[list[str]] = []
    for case in (everyone, single):
        for what in ("count", "codes"):
            ours, base = f"ours {what}", f"baseline {what}"
            rows.append(
                [
                    f"{case.label}, {what}",
                    case.rows,
                    f"{case.statements[ours]} / {case.statements[base]}",
                    f"{median_ms(case.samples[ours]):.3f}",
                    f"{median_ms(case.samples[base]):.3f}",
                    ratio(case, what),
                ]
            )
    print_table(
        ["case", "rows", "SQL ours/base", "ours ms", "baseline ms", "baseline/ours"],
        rows,
    )
    print("(ms: median wall time per call, through the ORM; rows: rows per province incl. itself)")
