"""The database half of backups: dump and restore for PostgreSQL (pg_dump / pg_restore) and SQLite (the
online backup API), plus the row counts and migration state both engines can report.

Nothing here loads table contents into Python: PostgreSQL data flows between pg_dump, files and psql;
SQLite pages are copied by SQLite itself; counts are computed by the database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

ENGINES = ("postgresql", "sqlite")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something an operator must read: the message is complete, translated and says what to do."""


class Bar(Protocol):
    def update(self, n: int) -> Any: ...

    def close(self) -> Any: ...


class Progress(Protocol):
    def __call__(self, total: int | None, label: str, unit: str) -> Bar: ...


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def no_progress(total: int | None, label: str, unit: str) -> Bar:
    return _NoBar()


# --- which database ------------------------------------------------------------------------------


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ENGINES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite; this database is %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def engine_label(name: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(name, name)


def sqlite_path(alias: str = "default") -> Path:
    return Path(str(settings.DATABASES[alias]["NAME"]))


def _pg_env(alias: str = "default") -> dict[str, str]:
    """libpq variables for pg_dump / psql, so that no password appears on a command line."""
    db = settings.DATABASES[alias]
    env = dict(os.environ)
    pairs = {
        "PGDATABASE": db.get("NAME"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    env["PGAPPNAME"] = "binhyen-backup"
    env["PGOPTIONS"] = "-c client_min_messages=warning"  # --if-exists drops are otherwise chatty
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(tool)s is not installed. Install the PostgreSQL client tools of the server's version "
                "(Debian: apt install postgresql-client)."
            )
            % {"tool": name}
        )
    return path


# --- what a database holds -----------------------------------------------------------------------


def quote(vendor: str, table: str) -> str:
    # PostgreSQL names outside "public" are written "schema.table".
    parts = table.split(".", 1) if vendor == "postgresql" else [table]
    return ".".join('"' + p.replace('"', '""') + '"' for p in parts)


def table_names(cursor: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2"
        )
        return [name if schema == "public" else f"{schema}.{name}" for schema, name in cursor.fetchall()]
    # Virtual (full-text) tables and their shadow tables are tables too; SQLite's own are not ours.
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def count_rows(
    cursor: Any, vendor: str, tables: Iterable[str], progress: Progress = no_progress
) -> dict[str, int]:
    tables = list(tables)
    bar = progress(len(tables), _("Counting rows"), _(" tables"))
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {quote(vendor, table)}")
        counts[table] = int(cursor.fetchone()[0])
        bar.update(1)
    bar.close()
    return counts


def more_rows_than(cursor: Any, vendor: str, table: str, limit: int) -> bool:
    """Whether the table has more than `limit` rows, reading at most limit + 1 of them."""
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {quote(vendor, table)} LIMIT {int(limit) + 1}) s")
    return int(cursor.fetchone()[0]) > limit


def applied_migrations(cursor: Any, tables: Iterable[str]) -> dict[str, list[str]]:
    if "django_migrations" not in set(tables):
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


class Snapshot:
    """What the dump holds, read at the same moment as the dump itself."""

    def __init__(self, tables: dict[str, int], migrations: dict[str, list[str]], server: str = "") -> None:
        self.tables = tables
        self.migrations = migrations
        self.server = server


# --- PostgreSQL ----------------------------------------------------------------------------------


def _watch_size(path: Path, bar: Bar, done: threading.Event) -> None:
    seen = 0
    while not done.wait(0.5):
        size = path.stat().st_size if path.exists() else 0
        if size > seen:
            bar.update(size - seen)
            seen = size


def _stderr_tail(stream: IO[bytes]) -> str:
    stream.seek(0)
    lines = stream.read().decode("utf-8", "replace").strip().splitlines()
    errors = [line for line in lines if "ERROR" in line or "error" in line or "FATAL" in line] or lines
    return "\n".join(errors[-5:])


def dump_postgres(dest: Path, progress: Progress = no_progress, alias: str = "default") -> Snapshot:
    """pg_dump into `dest` (custom format); row counts and migration state from the same snapshot."""
    pg_dump = _tool("pg_dump")
    wrapper = connections[alias]
    conn = wrapper.get_new_connection(wrapper.get_connection_params())
    try:
        conn.autocommit = True
        cur = conn.cursor()
        # One exported snapshot: the counts in the manifest describe exactly the rows in the dump, even
        # while the web server and worker keep writing.
        cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cur.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot_id, server = cur.fetchone()
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={dest}",
                ],
                env=_pg_env(alias),
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            try:
                # pg_dump works in its own process meanwhile: the counts cost no extra time.
                tables = table_names(cur, "postgresql")
                counts = count_rows(cur, "postgresql", tables, progress)
                migrations = applied_migrations(cur, tables)
                bar = progress(None, _("Dumping the database"), "B")
                done = threading.Event()
                watcher = threading.Thread(target=_watch_size, args=(dest, bar, done), daemon=True)
                watcher.start()
                code = proc.wait()
                done.set()
                watcher.join()
                bar.close()
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            if code != 0:
                raise BackupError(_("pg_dump failed: %(error)s") % {"error": _stderr_tail(err)})
        cur.execute("COMMIT")
    finally:
        conn.close()
    return Snapshot(counts, migrations, str(server))


def restore_postgres(dump: Path, progress: Progress = no_progress, alias: str = "default") -> None:
    """Replace the database's tables by the dump's, all in one transaction: it all happens or none of it.

    pg_restore turns the dump into SQL, which psql runs with --single-transaction after a prelude that drops
    every table there now (tables the dump does not know, e.g. from newer migrations, would otherwise stay
    and break the next `migrate`). Data flows through a pipe; nothing is held in memory.
    """
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    wrapper = connections[alias]
    with wrapper.cursor() as cur:
        existing = table_names(cur, "postgresql")
    connections.close_all()  # our own idle connection must not hold anything the drops wait for
    env = _pg_env(alias)
    # Fail instead of waiting forever for a web server or worker that still has the tables open.
    prelude = "SET lock_timeout = '60s';\n"
    if existing:
        prelude += (
            "DROP TABLE IF EXISTS " + ", ".join(quote("postgresql", t) for t in existing) + " CASCADE;\n"
        )
    with tempfile.TemporaryFile() as err_restore, tempfile.TemporaryFile() as err_psql:
        source = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err_restore,
        )
        sink = subprocess.Popen(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=err_psql,
        )
        assert source.stdout is not None and sink.stdin is not None
        bar = progress(None, _("Restoring the database"), "B")
        broken = False
        try:
            sink.stdin.write(prelude.encode())
            while chunk := source.stdout.read(CHUNK):
                sink.stdin.write(chunk)
                bar.update(len(chunk))
            sink.stdin.close()
        except BrokenPipeError:
            broken = True  # psql stopped at an error; its message says which
        finally:
            bar.close()
            if broken:
                source.kill()
            source_code = source.wait()
            sink_code = sink.wait()
        if sink_code != 0 or broken:
            raise BackupError(
                _("The database restore failed and was rolled back; the database is as it was: %(error)s")
                % {"error": _stderr_tail(err_psql) or _stderr_tail(err_restore)}
            )
        if source_code != 0:
            raise BackupError(_("pg_restore failed: %(error)s") % {"error": _stderr_tail(err_restore)})


# --- SQLite --------------------------------------------------------------------------------------


def _sqlite_copy(source: Path, dest: Path, timeout: float = 20) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=timeout)
    try:
        dst = sqlite3.connect(dest, timeout=timeout)
        try:
            # One step (pages=-1): a consistent copy even while the app writes in WAL mode; a step-wise copy
            # would restart on every write from another connection.
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        src.close()


def read_sqlite(path: Path, progress: Progress = no_progress) -> Snapshot:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cur = conn.cursor()
        tables = table_names(cur, "sqlite")
        return Snapshot(count_rows(cur, "sqlite", tables, progress), applied_migrations(cur, tables))
    finally:
        conn.close()


def dump_sqlite(dest: Path, progress: Progress = no_progress, alias: str = "default") -> Snapshot:
    source = sqlite_path(alias)
    if not source.exists():
        raise BackupError(_("There is no database at %(path)s to back up.") % {"path": source})
    bar = progress(None, _("Copying the database"), "B")
    _sqlite_copy(source, dest)
    bar.update(dest.stat().st_size)
    bar.close()
    # Counted in the copy, so the figures are those of the copy.
    return read_sqlite(dest, progress)


def restore_sqlite(source: Path, progress: Progress = no_progress, alias: str = "default") -> None:
    """Copy the archived database into the configured file with the backup API: SQLite replaces the
    destination's pages in one transaction, under its lock, WAL included."""
    connections.close_all()
    dest = sqlite_path(alias)
    dest.parent.mkdir(parents=True, exist_ok=True)
    bar = progress(None, _("Restoring the database"), "B")
    try:
        _sqlite_copy(source, dest)
    except sqlite3.Error as e:
        raise BackupError(
            _("The database restore failed; the database is as it was: %(error)s") % {"error": e}
        ) from e
    bar.update(source.stat().st_size)
    bar.close()
