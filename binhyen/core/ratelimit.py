"""Fixed-window rate limits shared by every app server (stored in the database).

Used for anonymous intake: a flood from one address is refused with a clear message instead of filling
the commune's queue.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.db import connection

from binhyen.core.models import Throttle


def client_ip(request: object) -> str:
    meta = getattr(request, "META", {})
    # Behind the deployment's reverse proxy the client is the last hop it appended.
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded.split(",")[-1].strip())
    return str(meta.get("REMOTE_ADDR", "") or "unknown")


def hit(scope: str, client: str, limit: int, window_seconds: int) -> bool:
    """Count one request; False when the client is over `limit` in the current window.

    One statement (insert or increment, returning the count) in autocommit: the row is locked only for
    that statement, so a burst from one address does not queue on a transaction-long lock.
    """
    window = int(time.time()) // window_seconds
    # Hashed: the table holds no addresses, only a per-scope fingerprint.
    key = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{client}".encode()).hexdigest()
    q = connection.ops.quote_name  # "window" is a reserved word in PostgreSQL
    table, k, w, c = q(Throttle._meta.db_table), q("key"), q("window"), q("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {w}, {c}) VALUES (%s, %s, 1) "  # noqa: S608 (our own names)
            f"ON CONFLICT ({k}, {w}) DO UPDATE SET {c} = {table}.{c} + 1 RETURNING {c}",
            [key, window],
        )
        row = cursor.fetchone()
    return bool(row and row[0] <= limit)


def prune(older_than_windows: int = 2, window_seconds: int | None = None) -> int:
    """Forget counts from windows long past (run periodically)."""
    current = int(time.time()) // (window_seconds or settings.TIP_RATE_WINDOW_SECONDS)
    deleted, _ = Throttle.objects.filter(window__lt=current - older_than_windows).delete()
    return deleted
