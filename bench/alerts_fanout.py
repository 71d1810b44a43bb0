"""One alert to N recipients (default 10,000; 100,000 for the issue) delivered to a local HTTP sink, with
PostgreSQL (database task backend) and Redis (RQ) workers, side by side with the sink's raw capacity.

sink     a separate process: an asyncio HTTP/1.1 server on 127.0.0.1 that answers every POST `200 {}` at
         once, counts requests and distinct Idempotency-Key values, and records (CLOCK_MONOTONIC, the same
         clock in every process) the first request and the arrival of each new key.
raw      the sink's capacity from a plain client: W processes x ALERTS_SEND_THREADS threads, one kept-alive
         http.client connection per thread (what our senders use), N POSTs of the same size and headers
         as a webhook delivery, each with its own key. Measured twice per round (before and after ours).
pg       ours, `binhyen worker` x W with the database task backend (django_tasks_db, PostgreSQL).
redis    ours, `binhyen worker` x W with BINHYEN_TASK_BACKEND=redis (RQ on REDIS_URL).

Ours, per backend: a PostgreSQL database copied from a template (created once per run: `binhyen migrate`, a
province, commune and village, a commune officer and a commune leader, N subscriptions to the village on
the webhook channel, each pointing at its own path on the sink, written with bulk_create, then ANALYZE).
The officer composes an alert on the commune through binhyen.alerts.domain.compose (a commune is wide,
so it waits for approval); the clock starts just before the leader's domain.approve, which queues the real
fan-out (audience resolution, outbox rows) and the senders. The run ends when the sink has seen N distinct
keys. Afterwards the outbox is checked: N rows, all sent, one per recipient.

Targets (from the issue): >= 2,000 deliveries/s and >= 50% of the sink's raw rate, both counted from the
approval to the N-th distinct key (the fan-out included), and the first delivery <= 1 s after approval.

Knobs (environment): BENCH_ALERTS_RECIPIENTS (default 10000; `--recipients` on the command line),
BENCH_ALERTS_ROUNDS (rounds of raw, pg, redis, raw; default 1; the runner's --rounds is not used),
BENCH_ALERTS_WORKERS (worker processes per backend, and client processes for raw; default 3),
ALERTS_SEND_THREADS (default 16; also the threads per raw client process), ALERTS_SEND_BATCH (200),
ALERTS_FANOUT_CHUNK (2000), ALERTS_SENDERS_PER_CHANNEL (default: the worker count; the project's is 2;
other ALERTS_* settings pass through to the workers too), BENCH_ALERTS_POSTGRES (default
postgres://postgres@127.0.0.1:5432/binhyen_bench_alerts; the name must start with binhyen_bench; the
bench uses <name>_tpl and <name>_run), BENCH_ALERTS_REDIS (default redis://127.0.0.1:6379/13; the database
must be empty, and is flushed afterwards), BENCH_ALERTS_BACKENDS (default "pg,redis").
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
RECIPIENTS = int(os.environ.get("BENCH_ALERTS_RECIPIENTS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ALERTS_ROUNDS", "1"))
WORKERS = int(os.environ.get("BENCH_ALERTS_WORKERS", "3"))
# The app's own settings pass through to the workers; these defaults are the project's.
THREADS = int(os.environ.get("ALERTS_SEND_THREADS", "16"))
BATCH = int(os.environ.get("ALERTS_SEND_BATCH", "200"))
CHUNK = int(os.environ.get("ALERTS_FANOUT_CHUNK", "2000"))
SENDERS = int(os.environ.get("ALERTS_SENDERS_PER_CHANNEL", str(WORKERS)))
POSTGRES_URL = os.environ.get(
    "BENCH_ALERTS_POSTGRES", "postgres://postgres@127.0.0.1:5432/binhyen_bench_alerts"
)
REDIS_URL = os.environ.get("BENCH_ALERTS_REDIS", "redis://127.0.0.1:6379/13")
BACKENDS = [b.strip() for b in os.environ.get("BENCH_ALERTS_BACKENDS", "pg,redis").split(",") if b.strip()]
STALL_SECONDS = 120.0  # give up when no new key arrived for this long

TARGET_RATE = 2000.0
TARGET_FIRST_S = 1.0
TARGET_SHARE = 0.5


# --- the sink (a process of its own) ---------------------------------------------------------------


class SinkState:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.posts = 0
        self.keys: set[bytes] = set()
        self.first: float | None = None  # first POST with a key
        self.last_new: float | None = None  # the latest new key
        self.last: float | None = None  # the latest POST

    def stats(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "distinct": len(self.keys),
            "first": self.first,
            "last_new": self.last_new,
            "last": self.last,
        }


OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class SinkProtocol(asyncio.Protocol):
    def __init__(self, state: SinkState) -> None:
        self.state = state
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        out: list[bytes] = []
        while True:
            end_head = self.buf.find(b"\r\n\r\n")
            if end_head < 0:
                break
            lines = self.buf[:end_head].split(b"\r\n")
            length, key = 0, b""
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"idempotency-key":
                    key = value.strip()
            end = end_head + 4 + length
            if len(self.buf) < end:
                break
            self.buf = self.buf[end:]
            parts = lines[0].split(b" ")
            path = parts[1] if len(parts) > 1 else b"/"
            if path.startswith(b"/_"):
                out.append(self.control(path))
                continue
            st = self.state
            now = time.monotonic()
            st.posts += 1
            st.last = now
            if key:
                if st.first is None:
                    st.first = now
                if key not in st.keys:
                    st.keys.add(key)
                    st.last_new = now
            out.append(OK)
        if out and self.transport is not None:
            self.transport.write(b"".join(out))

    def control(self, path: bytes) -> bytes:
        if path == b"/_reset":
            self.state.reset()
        body = json.dumps(self.state.stats()).encode()
        return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
            len(body),
            body,
        )


def sink_main() -> None:
    async def serve() -> None:
        state = SinkState()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SinkProtocol(state), HOST, 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        async with server:
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


class Sink:
    """The parent's handle on the sink process."""

    def __init__(self, log: Path) -> None:
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.alerts_fanout", "--sink"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self.log,
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise SystemExit(f"the sink did not start: {line!r}")
        self.port = int(line.split()[1])
        self.url = f"http://{HOST}:{self.port}"

    def _get(self, path: str) -> dict[str, Any]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            conn.request("GET", path)
            return json.loads(conn.getresponse().read())  # type: ignore[no-any-return]
        finally:
            conn.close()

    def stats(self) -> dict[str, Any]:
        return self._get("/_stats")

    def reset(self) -> None:
        self._get("/_reset")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --- the plain client (processes of their own) -----------------------------------------------------

PAYLOAD = {
    "id": "0",
    "alert": "0123456789abcdef",
    "kind": "security",
    "severity": "Severe",
    "urgent": False,
    "headline": "Kẻng an ninh: trộm ở thôn Tân Hiệp",
    "text": "Có đối tượng trộm xe máy ở thôn Tân Hiệp, bà con khoá xe, đóng cổng và báo công an xã.",
    "instruction": "",
    "expires": "2026-11-22T20:00:00+07:00",
    "url": "http://127.0.0.1:8000/canh-bao/1/",
    "areas": [],
}


def client_main(url: str, first: int, count: int, threads: int, start_at: float) -> None:
    """Send `count` POSTs (keys raw-<first>…) to url/hook/<i> from `threads` threads, one kept-alive
    connection each, starting at `start_at` (CLOCK_MONOTONIC)."""
    parts = urlsplit(url)
    errors: list[str] = []

    def worker(t: int) -> None:
        conn = http.client.HTTPConnection(parts.netloc, timeout=30)
        for i in range(first + t, first + count, threads):
            payload = dict(PAYLOAD, id=str(i))
            body = json.dumps(payload, ensure_ascii=False).encode()
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "X-Binhyen-Timestamp": str(int(time.time())),
                "X-Binhyen-Signature": "sha256=" + "0" * 64,
                "Idempotency-Key": f"raw-{i}",
                "User-Agent": "BinhYen-Alerts/1",
                "Content-Length": str(len(body)),
            }
            try:
                conn.request("POST", f"/hook/{i}", body=body, headers=headers)
                r = conn.getresponse()
                r.read()
            except (OSError, http.client.HTTPException) as e:
                errors.append(type(e).__name__)
                conn.close()
                conn = http.client.HTTPConnection(parts.netloc, timeout=30)
        conn.close()

    time.sleep(max(0.0, start_at - time.monotonic()))
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    if errors:
        print(f"client errors: {len(errors)} ({', '.join(sorted(set(errors)))})", file=sys.stderr)


# --- environment, databases, Redis ------------------------------------------------------------------


def db_url(name: str) -> str:
    return urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))


def base_name() -> str:
    name = urlsplit(POSTGRES_URL).path.lstrip("/")
    if not name.startswith("binhyen_bench"):
        raise SystemExit(f"BENCH_ALERTS_POSTGRES must name a database called binhyen_bench*: {POSTGRES_URL}")
    return name


def admin() -> Any:
    import psycopg

    return psycopg.connect(db_url("postgres"), autocommit=True)


def drop(name: str) -> None:
    from psycopg import sql

    with admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create(name: str, template: str | None = None) -> None:
    from psycopg import sql

    drop(name)
    with admin() as conn:
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        else:
            query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        conn.execute(query)


def redis_client() -> Any:
    import redis

    return redis.Redis.from_url(REDIS_URL)


def base_env(var_dir: Path, database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BINHYEN_", "DJANGO_", "BENCH_"))}
    for name in ("REDIS_URL", "DATABASE_URL", "SECRET_KEY"):
        env.pop(name, None)
    env.update(
        BINHYEN_ENV="test",
        BINHYEN_VAR_DIR=str(var_dir),
        DATABASE_URL=db_url(database),
        DJANGO_SETTINGS_MODULE="binhyen.settings",
        BINHYEN_TASK_BACKEND="database",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        PYTHONPATH=str(ROOT),
        ALERTS_SEND_THREADS=str(THREADS),
        ALERTS_SEND_BATCH=str(BATCH),
        ALERTS_FANOUT_CHUNK=str(CHUNK),
        ALERTS_SENDERS_PER_CHANNEL=str(SENDERS),
        ALERTS_RATE_WEBHOOK="0",
    )
    return env


def binhyen(env: dict[str, str], *args: str) -> str:
    command = [str(Path(sys.executable).with_name("binhyen")), *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:3])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


SEED = """
import time
from django.db import connection
from django.utils import timezone
from binhyen.accounts import domain as accounts
from binhyen.alerts.models import Subscription, SubscriptionArea
from binhyen.areas.models import Area
province = Area.objects.create(code="68", name="Tỉnh Lâm Đồng", type="province", level=1, path="68")
commune = Area.objects.create(code="24958", name="Xã Đức Trọng", type="commune", level=2, parent=province,
                              path="6800001")
village = Area.objects.create(code="24958-01", name="Thôn Tân Hiệp", type="village", level=3, parent=commune,
                              path="68000010001")
for username, role in (("officer", "commune_officer"), ("leader", "commune_leader")):
    accounts.create_user(accounts.NewUser(username=username, password="Mat-khau-thu-nghiem-2025", role=role,
        area_code="24958", full_name="Nguyễn Văn An", phone="0912345678"))
now = timezone.now()
started = time.perf_counter()
for first in range(0, N, 10000):
    subs = Subscription.objects.bulk_create([
        Subscription(channels="webhook", webhook_url=f"{SINK}/hook/{i}", consent_at=now, consent_text="bench")
        for i in range(first, min(N, first + 10000))
    ], batch_size=2000)
    SubscriptionArea.objects.bulk_create([
        SubscriptionArea(subscription=s, area=village, area_path=village.path) for s in subs
    ], batch_size=2000)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print("SEEDED", Subscription.objects.count(), round(time.perf_counter() - started, 1))
"""

# Runs in `binhyen shell` with the backend's environment: compose (narrow work before the clock), then the
# clock starts and the approval queues the fan-out.
SEND = """
import datetime, json, time
from django.utils import timezone
from binhyen.accounts.models import User
from binhyen.alerts import domain
officer = User.objects.get(username="officer")
leader = User.objects.get(username="leader")
t = time.perf_counter()
alert = domain.compose(officer, domain.AlertInput(kind="security", severity="Severe",
    headline="Kẻng an ninh: trộm ở thôn Tân Hiệp",
    text="Có đối tượng trộm xe máy ở thôn Tân Hiệp, bà con khoá xe, đóng cổng và báo công an xã.",
    expires_at=timezone.now() + datetime.timedelta(hours=2), area_codes=["24958"]))
compose_s = time.perf_counter() - t
assert alert.status == "pending", alert.status
t0 = time.monotonic()
alert = domain.approve(leader, alert)
t1 = time.monotonic()
print("SENT " + json.dumps({"alert": alert.pk, "status": alert.status, "compose_s": compose_s, "t0": t0,
                            "approve_s": t1 - t0}))
"""


# --- worker processes ------------------------------------------------------------------------------


@contextlib.contextmanager
def workers(env: dict[str, str], count: int, log: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    command = [str(Path(sys.executable).with_name("binhyen")), "worker", "--no-periodic"]
    procs: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as out:
        for _ in range(count):
            procs.append(
                subprocess.Popen(
                    command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
    try:
        yield procs
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def wait_workers_ready(backend: str, database: str, procs: list[subprocess.Popen[bytes]], log: Path) -> None:
    """RQ: every worker registered in Redis. Database: every worker has polled (a connection each)."""
    import psycopg

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise SystemExit(f"a worker exited with {p.returncode}:\n{log.read_text()[-3000:]}")
        if backend == "redis":
            ready = redis_client().scard("rq:workers")
        else:
            with psycopg.connect(db_url(database), autocommit=True) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [database],
                ).fetchone()
                ready = row[0] if row else 0
        if ready >= len(procs):
            time.sleep(1.0)  # past the first poll: idle and waiting
            return
        time.sleep(0.2)
    raise SystemExit(f"the {backend} workers did not come up within 90 s:\n{log.read_text()[-3000:]}")


# --- measuring -------------------------------------------------------------------------------------


def cpu_ticks() -> tuple[int, int]:
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


@dataclass
class Run:
    name: str  # "raw", "pg", "redis"
    round: int
    n: int
    t0: float = 0.0  # the approval (ours) or the clients' agreed start (raw)
    first: float | None = None
    last_new: float | None = None
    posts: int = 0
    distinct: int = 0
    machine_busy: float = 0.0
    load: str = ""
    notes: list[str] = field(default_factory=list)
    outbox: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.distinct >= self.n

    @property
    def first_s(self) -> float:
        return (self.first - self.t0) if self.first is not None else float("nan")

    @property
    def total_s(self) -> float:
        return (self.last_new - self.t0) if self.last_new is not None else float("nan")

    @property
    def rate(self) -> float:
        """Distinct keys per second from t0 (ours: the approval) to the N-th distinct key."""
        return self.distinct / self.total_s if self.last_new is not None and self.total_s > 0 else 0.0

    @property
    def sending_rate(self) -> float:
        """Distinct keys per second from the first request to the N-th distinct key."""
        if self.first is None or self.last_new is None or self.last_new <= self.first:
            return 0.0
        return (self.distinct - 1) / (self.last_new - self.first)

    @property
    def duplicates(self) -> int:
        return self.posts - self.distinct


def load_avg() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_for_keys(sink: Sink, n: int) -> dict[str, Any]:
    """Poll the sink until it has seen n distinct keys, or nothing new arrived for STALL_SECONDS."""
    last_progress, seen = time.monotonic(), -1
    while True:
        stats = sink.stats()
        if stats["distinct"] >= n:
            return stats
        if stats["distinct"] != seen:
            seen, last_progress = stats["distinct"], time.monotonic()
        elif time.monotonic() - last_progress > STALL_SECONDS:
            return stats
        time.sleep(0.05)


def run_raw(sink: Sink, n: int, rnd: int, log: Path) -> Run:
    sink.reset()
    run = Run("raw", rnd, n, load=load_avg())
    per = [n // WORKERS + (1 if i < n % WORKERS else 0) for i in range(WORKERS)]
    start_at = time.monotonic() + 1.5
    busy0, total0 = cpu_ticks()
    procs: list[subprocess.Popen[bytes]] = []
    first = rnd * 10_000_000
    with log.open("ab") as out:
        for count in per:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench.alerts_fanout",
                        "--client",
                        sink.url,
                        str(first),
                        str(count),
                        str(THREADS),
                        repr(start_at),
                    ],
                    cwd=ROOT,
                    stdout=out,
                    stderr=out,
                )
            )
            first += count
    for p in procs:
        p.wait()
    busy1, total1 = cpu_ticks()
    stats = sink.stats()
    run.t0 = start_at
    fill(run, stats)
    run.machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    return run


def fill(run: Run, stats: dict[str, Any]) -> None:
    run.first, run.last_new = stats["first"], stats["last_new"]
    run.posts, run.distinct = stats["posts"], stats["distinct"]


def outbox_facts(database: str, alert_id: int) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(db_url(database), autocommit=True) as conn:
        rows: dict[str, int] = dict(
            conn.execute(
                "SELECT status, count(*) FROM alerts_delivery WHERE alert_id = %s GROUP BY status", [alert_id]
            ).fetchall()
        )
        recipients = conn.execute(
            "SELECT count(DISTINCT recipient), max(attempts) FROM alerts_delivery WHERE alert_id = %s",
            [alert_id],
        ).fetchone()
        alert = conn.execute(
            "SELECT status, recipients, extract(epoch FROM fanout_started_at), "
            "extract(epoch FROM fanout_done_at) FROM alerts_alert WHERE id = %s",
            [alert_id],
        ).fetchone()
        approved = conn.execute(
            "SELECT extract(epoch FROM approved_at) FROM alerts_alert WHERE id = %s", [alert_id]
        ).fetchone()
    facts: dict[str, Any] = {
        "rows": rows,
        "recipients": recipients[0] if recipients else 0,
        "max_attempts": recipients[1] if recipients else 0,
    }
    if alert and approved and approved[0] is not None:
        base = float(approved[0])
        facts["alert_status"] = alert[0]
        facts["fanout_start_s"] = float(alert[2]) - base if alert[2] is not None else None
        facts["fanout_done_s"] = float(alert[3]) - base if alert[3] is not None else None
    return facts


def run_ours(backend: str, sink: Sink, n: int, rnd: int, var_dir: Path, template: str) -> Run:
    database = f"{base_name()}_run"
    create(database, template)
    env = base_env(var_dir, database)
    if backend == "redis":
        env.update(BINHYEN_TASK_BACKEND="redis", REDIS_URL=REDIS_URL)
        redis_client().flushdb()
    log = var_dir / f"{backend}-workers.log"
    run = Run(backend, rnd, n)
    try:
        with workers(env, WORKERS, log) as procs:
            wait_workers_ready(backend, database, procs, log)
            sink.reset()
            run.load = load_avg()
            busy0, total0 = cpu_ticks()
            out = binhyen(env, "shell", "-c", SEND)
            sent = json.loads(out.split("SENT ", 1)[1].splitlines()[0])
            run.t0 = float(sent["t0"])
            run.notes.append(f"compose {sent['compose_s']:.2f} s, approve {sent['approve_s'] * 1000:.0f} ms")
            stats = wait_for_keys(sink, n)
            busy1, total1 = cpu_ticks()
            fill(run, stats)
            run.machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
            time.sleep(1.0)  # let the last batch record its outcome
            run.outbox = outbox_facts(database, int(sent["alert"]))
            crashed = [p.returncode for p in procs if p.poll() is not None]
            if crashed:
                run.notes.append(f"workers exited early: {crashed}")
        if not run.complete:
            run.notes.append(f"incomplete after {STALL_SECONDS:.0f} s without progress; log {log}")
    finally:
        drop(database)
        if backend == "redis":
            redis_client().flushdb()
    return run


# --- report ----------------------------------------------------------------------------------------


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    from bench import print_table as table

    table(headers, rows)


def report(runs: list[Run], n: int, setup: str) -> None:
    print(f"== alerts_fanout: one alert to {n:,} webhook recipients ==")
    print(f"machine: {machine()}")
    print(setup)
    print(
        f"senders: {WORKERS} worker processes per backend, ALERTS_SENDERS_PER_CHANNEL={SENDERS}, "
        f"ALERTS_SEND_THREADS={THREADS}, ALERTS_SEND_BATCH={BATCH}, ALERTS_FANOUT_CHUNK={CHUNK}; "
        f"raw: {WORKERS} client processes x {THREADS} threads, one kept-alive http.client connection each"
    )
    print()
    rows = []
    for r in runs:
        rows.append(
            [
                f"round {r.round + 1} {r.name}",
                f"{r.distinct:,}",
                f"{r.duplicates:,}",
                f"{r.first_s:.2f}" if r.name != "raw" else "-",
                f"{r.total_s:.1f}",
                f"{r.rate:,.0f}" if r.name != "raw" else "-",
                f"{r.sending_rate:,.0f}",
                f"{r.machine_busy:.0%}",
                r.load,
            ]
        )
    print_table(
        ["run", "distinct keys", "dups", "first s", "last s", "e2e /s", "sending /s", "busy", "load before"],
        rows,
    )
    print(
        "(first/last s: from the approval to the first request / the N-th distinct key at the sink; e2e /s: "
        "N / last s; sending /s: from the first request to the N-th key; raw: from the clients' agreed "
        "start; busy: both cores, /proc/stat)"
    )
    for r in runs:
        if r.name == "raw":
            continue
        ob = r.outbox
        print(
            f"round {r.round + 1} {r.name}: {'; '.join(r.notes)}; fan-out "
            f"{fmt_s(ob.get('fanout_start_s'))}–{fmt_s(ob.get('fanout_done_s'))} after approval; outbox rows "
            f"{json.dumps(ob.get('rows', {}))}, {ob.get('recipients', 0):,} distinct recipients, "
            f"max attempts {ob.get('max_attempts')}, alert {ob.get('alert_status')}"
        )
    print()
    raw = [r.sending_rate for r in runs if r.name == "raw" and r.complete]
    raw_rate = sum(raw) / len(raw) if raw else float("nan")
    summary = []
    for backend in BACKENDS:
        mine = [r for r in runs if r.name == backend]
        if not mine:
            continue
        complete = all(r.complete for r in mine)
        e2e = sum(r.rate for r in mine) / len(mine)
        sending = sum(r.sending_rate for r in mine) / len(mine)
        first = max(r.first_s for r in mine)
        dups = sum(r.duplicates for r in mine)
        ok = {
            f">= {TARGET_RATE:,.0f}/s": e2e >= TARGET_RATE,
            f"first <= {TARGET_FIRST_S:g} s": first <= TARGET_FIRST_S,
            f">= {TARGET_SHARE:.0%} of raw": e2e / raw_rate >= TARGET_SHARE,
            "all delivered": complete,
        }
        summary.append(
            [
                backend,
                f"{e2e:,.0f}",
                f"{sending:,.0f}",
                f"{raw_rate:,.0f}",
                f"{e2e / raw_rate:.0%}",
                f"{sending / raw_rate:.0%}",
                f"{first:.2f}",
                f"{dups:,}",
                ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in ok.items()),
            ]
        )
    print_table(
        ["backend", "e2e /s", "sending /s", "raw /s", "e2e/raw", "sending/raw", "first s", "dups", "targets"],
        summary,
    )
    print()


def fmt_s(x: float | None) -> str:
    return "?" if x is None else f"{x:.2f} s"


def machine() -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = "?"
    return f"{os.cpu_count()} cores ({model}), Python {sys.version.split()[0]}, load average {load_avg()}"


# --- the benchmark ---------------------------------------------------------------------------------


def bench(n: int, rounds: int, var_dir: Path) -> list[Run]:
    unknown = set(BACKENDS) - {"pg", "redis"}
    if unknown:
        raise SystemExit(f"BENCH_ALERTS_BACKENDS: unknown {', '.join(sorted(unknown))} (pg, redis)")
    if "redis" in BACKENDS and redis_client().dbsize():
        raise SystemExit(f"{REDIS_URL} is not empty; point BENCH_ALERTS_REDIS at an empty Redis database")
    template = f"{base_name()}_tpl"
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / "secret_key").write_text(secrets.token_urlsafe(50))
    (var_dir / "field_key").write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    sink = Sink(var_dir / "sink.log")
    runs: list[Run] = []
    try:
        started = time.perf_counter()
        create(template)
        env = base_env(var_dir, template)
        binhyen(env, "migrate", "--no-input", "-v", "0")
        migrated = time.perf_counter() - started
        seeded = binhyen(env, "shell", "-c", f"SINK = {sink.url!r}\nN = {n}\n" + SEED)
        seed_line = next(line for line in seeded.splitlines() if line.startswith("SEEDED"))
        _, count, seconds = seed_line.split()
        setup = (
            f"setup: template database migrated in {migrated:.1f} s; {int(count):,} subscriptions (webhook, "
            f"one sink path each) bulk-created in {float(seconds):.1f} s; each backend gets a fresh copy"
        )
        print(setup, flush=True)
        log = var_dir / "raw-clients.log"
        for rnd in range(rounds):
            order = BACKENDS if rnd % 2 == 0 else BACKENDS[::-1]
            steps = ["raw", *order, "raw"]
            for step in steps:
                print(f"round {rnd + 1}: {step} ...", flush=True)
                if step == "raw":
                    run = run_raw(sink, n, rnd, log)
                else:
                    run = run_ours(step, sink, n, rnd, var_dir, template)
                print(
                    f"  {run.distinct:,} keys, {run.duplicates} dups, first {run.first_s:.2f} s, "
                    f"last {run.total_s:.1f} s, sending {run.sending_rate:,.0f}/s",
                    flush=True,
                )
                runs.append(run)
        print()
        report(runs, n, setup)
    finally:
        sink.stop()
        with contextlib.suppress(Exception):
            drop(template)
        with contextlib.suppress(Exception):
            drop(f"{base_name()}_run")
        if "redis" in BACKENDS:
            with contextlib.suppress(Exception):
                redis_client().flushdb()
    return runs


def run(db: Any, rounds: int) -> None:
    """`python -m bench alerts_fanout` (the runner's --rounds is not used: see the module docstring)."""
    if getattr(db, "vendor", "sqlite") != "sqlite":
        print("== alerts_fanout: skipped in the --postgres pass (it always runs on its own PostgreSQL) ==")
        return
    n = int(os.environ.get("BENCH_ALERTS_RECIPIENTS", str(RECIPIENTS)))
    bench(n, ROUNDS, Path(db.var_dir) / "alerts_fanout")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.alerts_fanout", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--recipients", type=int, default=RECIPIENTS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--sink", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sink:
        sink_main()
        return
    if args.client:
        url, first, count, threads, start_at = args.client
        client_main(url, int(first), int(count), int(threads), float(start_at))
        return
    var_dir = Path(tempfile.gettempdir()) / f"bench-var-{os.getpid()}"
    try:
        bench(args.recipients, args.rounds, var_dir / "alerts_fanout")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
