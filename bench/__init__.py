"""Benchmarks (not tests): `python -m bench` runs them all, `python -m bench NAME` runs one.

Each benchmark is a module in this package with a `run(db: BenchDatabase, rounds: int) -> None` function,
listed in BENCHMARKS. Django is set up by `setup_django`, which points the project at a throwaway database
(a fresh SQLite file under /tmp, or a PostgreSQL URL) *before* `django.setup()`, so the bench can never
touch var/binhyen.sqlite3 or any real database.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS: dict[str, str] = {
    "areas_subtree": "bench.areas_subtree",
}


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    vendor: str  # "sqlite" or "postgresql", filled in after django.setup()
    var_dir: Path
    fresh: bool  # True when the database was created empty for this run


def sqlite_url(var_dir: Path) -> str:
    return f"sqlite:///{var_dir / 'bench.sqlite3'}"


def make_var_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"bench-var-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def ensure_postgres_database(url: str) -> bool:
    """Create the database named in `url` if it is missing; True when it was created."""
    import psycopg
    from psycopg import sql

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info.get("dbname") or "")
    if not name:
        raise SystemExit(f"--postgres URL must name a database: {url}")
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def setup_django(database_url: str | None, var_dir: Path) -> BenchDatabase:
    """Point settings at the bench database, set Django up and migrate. Call once per process."""
    fresh = True
    if database_url is None:
        database_url = sqlite_url(var_dir)
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif database_url.startswith(("postgres://", "postgresql://")):
        fresh = ensure_postgres_database(database_url)
    os.environ["BINHYEN_ENV"] = "test"
    os.environ["BINHYEN_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "binhyen.settings"

    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return BenchDatabase(url=database_url, vendor=connection.vendor, var_dir=var_dir, fresh=fresh)


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain-text table: first column left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(parts).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
