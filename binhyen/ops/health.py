"""Liveness and readiness, for load balancers, orchestrators and monitoring.

Liveness says the process answers (restart it if not); readiness says this app server can serve real
requests now (send it traffic only if so): the database answers and holds every migration this code
expects, the cache answers, and with the Redis task backend the queue answers. The answers name each
check and how long it took, never a connection string or an error message (the endpoint is public).
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.utils import timezone

# A worker queues the periodic jobs every minute; silence longer than this means no worker runs.
WORKER_SILENT_AFTER = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    ms: float
    detail: str = ""  # a short, non-secret word such as "3 migrations not applied" or an error class

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.detail:
            out["detail"] = self.detail
        return out


_migrations_ok = False  # once every migration is applied it stays so for this process


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return ""


def _migrations() -> str:
    global _migrations_ok
    if _migrations_ok:
        return ""
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise _NotReady(f"{len(pending)} migrations not applied")
    _migrations_ok = True
    return ""


def _cache() -> str:
    key = f"binhyen:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise _NotReady("cache lost a value")
    return ""


def _task_queue() -> str:
    if settings.TASK_BACKEND != "redis":
        return settings.TASK_BACKEND  # the database queue is checked with the database
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "redis"


class _NotReady(Exception):
    pass


def _run(name: str, fn: Callable[[], str]) -> Check:
    started = time.perf_counter()
    try:
        detail = fn()
        ok = True
    except _NotReady as e:
        ok, detail = False, str(e)
    except Exception as e:  # any failure means not ready; the class name is enough to start looking
        ok, detail = False, e.__class__.__name__
    return Check(name, ok, (time.perf_counter() - started) * 1000, detail)


def readiness() -> list[Check]:
    checks = [_run("database", _database)]
    if checks[0].ok:
        checks.append(_run("migrations", _migrations))
    checks.append(_run("cache", _cache))
    checks.append(_run("tasks", _task_queue))
    return checks


def worker_last_seen() -> datetime.datetime | None:
    """When a worker last queued the periodic jobs (informational: app servers stay ready without)."""
    from binhyen.core.models import PeriodicRun

    try:
        return PeriodicRun.objects.aggregate(last=Max("last_enqueued_at"))["last"]
    except Exception:
        return None


def worker_report() -> dict[str, Any]:
    seen = worker_last_seen()
    if seen is None:
        return {"ok": False, "last_seen": None}
    return {"ok": timezone.now() - seen <= WORKER_SILENT_AFTER, "last_seen": seen.isoformat()}
