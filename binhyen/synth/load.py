"""Loading rows the fastest way each database offers, inside the caller's transaction.

PostgreSQL: COPY FROM STDIN (psycopg 3 `cursor.copy`), text format, written in blocks of preformatted
lines. SQLite: `executemany` on the raw connection. Rows arrive as tuples whose first value is the id
(generate assigns ids itself, so related rows can point at each other without reading anything back).

For a table that receives many rows compared with what it holds, its secondary indexes (and, on
PostgreSQL, its foreign keys) are dropped before the load and created again afterwards: one sorted
build is much cheaper than millions of B-tree insertions. Both happen in the same transaction, so a
failure leaves the database as it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

# Loading more than this many rows (and more than the table holds) drops and recreates its indexes.
DROP_INDEXES_ABOVE = 50_000
BLOCK = 5_000


@dataclass
class Dropped:
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE statement)
    fks: list[tuple[str, str]] = field(default_factory=list)  # (name, definition), PostgreSQL only


class Loader:
    """Writes rows to one table at a time; `spool` keeps rows for a second table until `flush`."""

    vendor = ""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.dropped: dict[str, Dropped] = {}
        self.null: Any = None

    def lock(self, tables: Iterable[str]) -> None:
        """Keep other writers out of the tables until commit."""

    # --- per table ---
    def next_id(self, table: str) -> int:
        with self.connection.cursor() as c:
            c.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608  (our table names)
            return int(c.fetchone()[0]) + 1

    def count(self, table: str) -> int:
        with self.connection.cursor() as c:
            c.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            return int(c.fetchone()[0])

    def prepare(self, table: str, planned: int) -> None:
        """Drop the table's secondary indexes when the load dwarfs what it holds."""
        if planned > DROP_INDEXES_ABOVE and planned > self.count(table):
            self.dropped[table] = self._drop(table)

    def restore(self, table: str) -> None:
        found = self.dropped.pop(table, None)
        if found is not None:
            self._restore(table, found)

    def write(self, table: str, columns: Iterable[str], rows: Iterable[tuple], progress: Any = None) -> int:
        raise NotImplementedError

    def _drop(self, table: str) -> Dropped:
        raise NotImplementedError

    def _restore(self, table: str, dropped: Dropped) -> None:
        raise NotImplementedError

    def finish(self, tables: Iterable[str]) -> None:
        """After the loads: sequences, statistics."""

    def spool(self, table: str, columns: Iterable[str]) -> Spool:
        return Spool(self, table, list(columns))


class Spool:
    """Rows of a secondary table produced during another table's pass. PostgreSQL can run one COPY at a
    time per connection, so they wait in a temporary file (on disk, not in memory) until that pass is
    over; SQLite inserts them as they come."""

    def __init__(self, loader: Loader, table: str, columns: list[str]) -> None:
        self.loader, self.table, self.columns = loader, table, columns
        self.rows = 0
        self.file: IO[str] | None = None
        self.block: list[tuple] = []
        if loader.vendor == "postgresql":
            self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def add(self, row: tuple) -> None:
        self.rows += 1
        if self.file is not None:
            self.file.write("\t".join(map(str, row)))
            self.file.write("\n")
            return
        self.block.append(row)
        if len(self.block) >= BLOCK:
            self.loader.write(self.table, self.columns, self.block)
            self.block = []

    def flush(self, progress: Any = None) -> int:
        if self.file is None:
            if self.block:
                self.loader.write(self.table, self.columns, self.block)
                self.block = []
            if progress is not None:
                progress(self.rows)
            return self.rows
        assert isinstance(self.loader, PostgresLoader)
        self.file.seek(0)
        self.loader.copy_file(self.table, self.columns, self.file, progress)
        self.file.close()
        return self.rows


class PostgresLoader(Loader):
    vendor = "postgresql"

    def __init__(self, connection: Any) -> None:
        super().__init__(connection)
        self.null = "\\N"  # COPY text format

    def lock(self, tables: Iterable[str]) -> None:
        # Nobody else may take ids in the blocks we are about to fill.
        with self.connection.cursor() as c:
            # Foreign keys are checked per statement, not at commit: a table with pending (deferred)
            # checks could not have its constraints dropped, and 10M queued checks would fill memory.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # For this transaction only. Index builds and foreign key validation (which runs with
            # work_mem = maintenance_work_mem) sort 10M rows: in memory, not in temporary files. One
            # parallel worker: while indexes are built Python waits, so the second core is free.
            # The commit need not wait for the WAL flush (a crash loses the whole load either way).
            c.execute("SET LOCAL maintenance_work_mem = '1GB'")
            c.execute("SET LOCAL max_parallel_maintenance_workers = 1")
            c.execute("SET LOCAL synchronous_commit = off")
            for table in tables:
                c.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')

    def write(self, table: str, columns: Iterable[str], rows: Iterable[tuple], progress: Any = None) -> int:
        cols = ", ".join(f'"{c}"' for c in columns)
        n = 0
        raw = self.connection.connection.cursor()
        with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            block: list[str] = []
            for row in rows:
                block.append("\t".join(map(str, row)))
                if len(block) >= BLOCK:
                    block.append("")
                    copy.write("\n".join(block))
                    n += len(block) - 1
                    if progress is not None:
                        progress(len(block) - 1)
                    block = []
            if block:
                block.append("")
                copy.write("\n".join(block))
                n += len(block) - 1
                if progress is not None:
                    progress(len(block) - 1)
        raw.close()
        return n

    def copy_file(self, table: str, columns: list[str], file: IO[str], progress: Any = None) -> None:
        cols = ", ".join(f'"{c}"' for c in columns)
        raw = self.connection.connection.cursor()
        with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            while True:
                lines = file.readlines(1 << 20)
                if not lines:
                    break
                copy.write("".join(lines))
                if progress is not None:
                    progress(len(lines))
        raw.close()

    def _drop(self, table: str) -> Dropped:
        with self.connection.cursor() as c:
            c.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            fks = [(str(a), str(b)) for a, b in c.fetchall()]
            c.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = [(str(a), str(b)) for a, b in c.fetchall()]
            for name, _ in fks:
                c.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                c.execute(f'DROP INDEX "{name}"')
        return Dropped(indexes, fks)

    def _restore(self, table: str, dropped: Dropped) -> None:
        with self.connection.cursor() as c:
            for _, sql in dropped.indexes:
                c.execute(sql)
            for name, definition in dropped.fks:
                # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED; the definition keeps that.
                c.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

    def finish(self, tables: Iterable[str]) -> None:
        with self.connection.cursor() as c:
            for table in tables:
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 1), '  # noqa: S608
                    f'(SELECT MAX(id) FROM "{table}") IS NOT NULL)'
                )


class SqliteLoader(Loader):
    vendor = "sqlite"

    def lock(self, tables: Iterable[str]) -> None:
        # SQLite: the IMMEDIATE transaction already holds the one write lock.
        return None

    def write(self, table: str, columns: Iterable[str], rows: Iterable[tuple], progress: Any = None) -> int:
        cols = list(columns)
        sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
        raw = self.connection.connection.cursor()
        n = 0
        block: list[tuple] = []
        for row in rows:
            block.append(row)
            if len(block) >= BLOCK:
                raw.executemany(sql, block)
                n += len(block)
                if progress is not None:
                    progress(len(block))
                block = []
        if block:
            raw.executemany(sql, block)
            n += len(block)
            if progress is not None:
                progress(len(block))
        raw.close()
        return n

    def _drop(self, table: str) -> Dropped:
        with self.connection.cursor() as c:
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
            indexes = [(str(name), str(sql)) for name, sql in c.fetchall() if sql]
            for name, _ in indexes:
                c.execute(f'DROP INDEX "{name}"')
        return Dropped(indexes)

    def _restore(self, table: str, dropped: Dropped) -> None:
        with self.connection.cursor() as c:
            for _, sql in dropped.indexes:
                c.execute(sql)


def loader_for(connection: Any) -> Loader:
    if connection.vendor == "postgresql":
        return PostgresLoader(connection)
    if connection.vendor == "sqlite":
        return SqliteLoader(connection)
    raise ValueError(connection.vendor)
