"""Diacritic-insensitive full-text search over tips.

Both sides are folded by `core.text.fold` (marks removed, đ→d, lower case), so "Đức Trọng", "duc trong"
and "ĐỨC TRỌNG" match alike on either database. SQLite uses an FTS5 index (unicode61, remove_diacritics
2) kept by triggers; PostgreSQL uses a pg_trgm GIN index, so LIKE '%word%' is an index scan.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet

from binhyen.core.text import fold

FTS_TABLE = "tips_tip_fts"


def terms(query: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", fold(query or "")) if t][:8]


def search(qs: QuerySet, query: str) -> QuerySet:
    words = terms(query)
    if not words:
        return qs
    if connection.vendor == "sqlite":
        # Each word as a prefix: "trom*" finds "trộm", "trốm"…; quoted so no word is FTS syntax.
        match = " ".join(f'"{w}"*' for w in words)
        return qs.extra(  # noqa: S610  (parameterised)
            where=[f"tips_tip.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"],
            params=[match],
        )
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return qs


SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, content='tips_tip', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS tips_tip_fts_ai AFTER INSERT ON tips_tip BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS tips_tip_fts_ad AFTER DELETE ON tips_tip BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS tips_tip_fts_au AFTER UPDATE OF search_text ON tips_tip BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS tips_tip_fts_ai",
    "DROP TRIGGER IF EXISTS tips_tip_fts_ad",
    "DROP TRIGGER IF EXISTS tips_tip_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS tips_tip_search_trgm ON tips_tip USING gin (search_text gin_trgm_ops)",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS tips_tip_search_trgm"]
