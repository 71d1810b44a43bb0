"""Tip intake through the API on PostgreSQL, 16 concurrent clients, against a ceiling on the same server.

intake   POST /api/v1/tips (anonymous, JSON, a unique Idempotency-Key and a unique description each)
ceiling  POST /bench/ping: the smallest Django view (reads the body, returns "ok", no database), served by
         the same gunicorn process through the same middleware stack (bench/settings_bench.py adds it to
         the URLconf), sent the same bytes.

The bench creates its own PostgreSQL database (dropped and recreated; BENCH_TIPS_POSTGRES, default
postgres://postgres@127.0.0.1:5432/binhyen_bench_tips), runs `binhyen migrate` and `binhyen areas load`
on it, and serves the app with `binhyen serve` (gunicorn, gthread) in a production-like environment
(BINHYEN_ENV=production, DEBUG off, no SSL redirect, TIP_RATE_LIMIT=100000000). The load generator runs
in this process: 16 asyncio clients with one keep-alive connection each, each sending its next request as
soon as the answer arrives.
Rounds interleave the two targets (ceiling first in odd-numbered rounds, intake first in even ones) so
machine noise hits both. After each server setting, every 201 answer's tracking code is looked up in
tips_tip: "lost" counts 201 answers whose tip is not in the database.

Targets (from the issue): intake throughput >= 50% of the ceiling's, intake p99 < 100 ms, 0 lost, 0 errors.

Knobs (environment): BENCH_TIPS_SECONDS (measured seconds per target per round, default 20),
BENCH_TIPS_WARMUP (unmeasured seconds before each, default 3), BENCH_TIPS_GUNICORN (workers x threads,
comma-separated settings to try, default "2x8"), BENCH_TIPS_DISTINCT_ADDRESSES ("1": each client sends its
own X-Forwarded-For and the server trusts it), BENCH_TIPS_PROFILE (requests to profile through the Django
test client afterwards, default 200; 0 skips). `--rounds` is the number of interleaved round pairs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from bench import BenchDatabase, print_table

CLIENTS = 16
SECONDS = float(os.environ.get("BENCH_TIPS_SECONDS", "20"))
WARMUP = float(os.environ.get("BENCH_TIPS_WARMUP", "3"))
SERVERS = os.environ.get("BENCH_TIPS_GUNICORN", "2x8")
POSTGRES_URL = os.environ.get("BENCH_TIPS_POSTGRES", "postgres://postgres@127.0.0.1:5432/binhyen_bench_tips")
PROFILE_REQUESTS = int(os.environ.get("BENCH_TIPS_PROFILE", "200"))
# "1": the server trusts X-Forwarded-For (as behind the deployment's proxy) and each client sends its own
# address, so the per-address rate limit keeps 16 counters instead of one.
DISTINCT_ADDRESSES = os.environ.get("BENCH_TIPS_DISTINCT_ADDRESSES", "") == "1"
REQUEST_TIMEOUT = 30.0

TARGET_SHARE = 0.5  # intake throughput / ceiling throughput
TARGET_P99_MS = 100.0

HOST = "127.0.0.1"
INTAKE_PATH = "/api/v1/tips"
CEILING_PATH = "/bench/ping"
COMMUNE = "24958"
CATEGORY = "trom-cap"
ROOT = Path(__file__).resolve().parent.parent


# --- the environment the server (and the profiler) run in -----------------------------------------


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BINHYEN_", "DJANGO_"))}
    env.update(
        BINHYEN_ENV="production",
        BINHYEN_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        SECRET_KEY=secrets.token_urlsafe(50),
        BINHYEN_FIELD_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(var_dir / "static"),
        MEDIA_ROOT=str(var_dir / "media"),
        TIP_RATE_LIMIT="100000000",
        TIP_RATE_WINDOW_SECONDS="600",
        TRUST_X_FORWARDED_FOR="true" if DISTINCT_ADDRESSES else "false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    return env


def _admin_conninfo(url: str) -> tuple[str, str]:
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info.get("dbname") or "")
    if not name.startswith("binhyen_bench"):
        raise SystemExit(f"BENCH_TIPS_POSTGRES must name a database called binhyen_bench*: {url}")
    return psycopg.conninfo.make_conninfo(url, dbname="postgres"), name


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def postgres_facts(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        names = ("synchronous_commit", "fsync", "shared_buffers", "max_connections")
        rows = conn.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s) ORDER BY name", [list(names)]
        ).fetchall()
    settings = ", ".join(f"{n}={s}{' x ' + u if u else ''}" for n, s, u in rows)
    return f"PostgreSQL {version[0] if version else '?'} ({settings})"


def binhyen(env: dict[str, str], *args: str) -> None:
    command = [str(Path(sys.executable).with_name("binhyen")), *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


# --- gunicorn --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerSetting:
    workers: int
    threads: int

    @property
    def label(self) -> str:
        return f"gthread {self.workers}w x {self.threads}t"

    def args(self, port: int) -> list[str]:
        # `binhyen serve` is the production server: gunicorn with binhyen/ops/gunicorn_conf.py (gthread).
        return ["--bind", f"{HOST}:{port}", "--processes", str(self.workers), "--threads", str(self.threads)]


def parse_servers(text: str) -> list[ServerSetting]:
    found = []
    for item in text.split(","):
        workers, _, threads = item.strip().lower().partition("x")
        found.append(ServerSetting(int(workers), int(threads)))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(setting: ServerSetting, env: dict[str, str], log: Path) -> Iterator[int]:
    port = free_port()
    command = [str(Path(sys.executable).with_name("binhyen")), "serve", *setting.args(port)]
    with log.open("ab") as out:
        server = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_ready(port, server, log)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_ready(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            status, _ = asyncio.run(one_request(port, request_bytes(CEILING_PATH, port, b"{}", "ready")))
            if status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


# --- HTTP/1.1 over raw sockets ---------------------------------------------------------------------

# What a browser page would send (CSRF cookie and header); used only if a plain API client is refused.
CSRF_TOKEN = "bench" + "x" * 27  # 32 characters from Django's CSRF alphabet
CSRF_HEADERS = f"Cookie: csrftoken={CSRF_TOKEN}\r\nX-CSRFToken: {CSRF_TOKEN}\r\n"


def request_bytes(
    path: str, port: int, body: bytes, key: str, csrf: bool = False, forwarded_for: str = ""
) -> bytes:
    forwarded = f"X-Forwarded-For: {forwarded_for}\r\n" if forwarded_for else ""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nIdempotency-Key: {key}\r\n{CSRF_HEADERS if csrf else ''}{forwarded}"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers.get("connection", "").lower() != "close"


async def one_request(port: int, raw: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(raw)
        status, body, _ = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT)
        return status, body
    finally:
        writer.close()


# --- the load --------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    path: str
    token: str  # unique to this bench run: descriptions and keys carry it
    csrf: bool = False  # send a CSRF cookie and header, as a browser page would
    round: int = 0  # part of every key and description: no two requests of a run are alike

    def body(self, client: int, n: int) -> bytes:
        description = (
            f"Bench {self.token} r{self.round} c{client:02d} n{n}: "
            "xe máy bị lấy trộm trước cổng chợ lúc chiều tối."
        )
        data = {"category": CATEGORY, "description": description, "commune": COMMUNE, "anonymous": True}
        return json.dumps(data, ensure_ascii=False).encode()

    def request(self, port: int, client: int, n: int) -> bytes:
        key = f"{self.token}-{self.name}-{self.round}-{client}-{n}"
        forwarded = f"10.0.0.{client + 1}" if DISTINCT_ADDRESSES else ""
        return request_bytes(self.path, port, self.body(client, n), key, self.csrf, forwarded)


@dataclass
class Segment:
    """One target for one round: WARMUP seconds unmeasured, then SECONDS measured."""

    target: str
    round: int
    latencies: list[float] = field(default_factory=list)  # seconds, measured requests only
    statuses: Counter[int] = field(default_factory=Counter)  # every request, warm-up included
    failures: Counter[str] = field(default_factory=Counter)  # transport errors and timeouts
    created: list[bytes] = field(default_factory=list)  # bodies of 201 answers, warm-up included
    wall: float = 0.0
    client_cpu: float = 0.0  # this process's CPU seconds / wall seconds (1.0 = one core)
    machine_busy: float = 0.0  # share of all cores busy, from /proc/stat
    # Active PostgreSQL backends of the bench database, sampled every 50 ms: (wait event, statement).
    waits: Counter[tuple[str, str]] = field(default_factory=Counter)
    wait_samples: int = 0

    @property
    def measured(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.measured / self.wall if self.wall else 0.0


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all cores."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


async def client_loop(
    target: Target,
    port: int,
    client: int,
    measure_from: float,
    stop_at: float,
    seg: Segment,
    ends: list[float],
) -> None:
    n = 0
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    last_end = 0.0
    while time.perf_counter() < stop_at:
        if writer is None:
            try:
                reader, writer = await asyncio.open_connection(HOST, port)
            except OSError as e:
                seg.failures[type(e).__name__] += 1
                await asyncio.sleep(0.05)
                continue
        assert reader is not None
        raw = target.request(port, client, n)
        n += 1
        started = time.perf_counter()
        try:
            writer.write(raw)
            status, body, keep = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as e:
            seg.failures[type(e).__name__] += 1
            writer.close()
            reader = writer = None
            continue
        ended = time.perf_counter()
        seg.statuses[status] += 1
        if status == 201:
            seg.created.append(body)
        if started >= measure_from:
            seg.latencies.append(ended - started)
            last_end = ended
        if not keep:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()
    ends.append(last_end)


async def drive(target: Target, port: int, seg: Segment) -> None:
    begin = time.perf_counter()
    measure_from = begin + WARMUP
    stop_at = measure_from + SECONDS
    ends: list[float] = []
    cpu0, busy0, total0 = time.process_time(), 0, 0

    async def sample_start() -> None:
        nonlocal cpu0, busy0, total0
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu0 = time.process_time()
        busy0, total0 = cpu_ticks()

    starter = asyncio.create_task(sample_start())
    await asyncio.gather(
        *(client_loop(target, port, c, measure_from, stop_at, seg, ends) for c in range(CLIENTS))
    )
    await starter
    busy1, total1 = cpu_ticks()
    seg.wall = max(ends, default=stop_at) - measure_from
    seg.client_cpu = (time.process_time() - cpu0) / seg.wall if seg.wall > 0 else 0.0
    seg.machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0


@dataclass
class Smoke:
    created: list[bytes]  # 201 bodies
    plain_client: str  # what a plain API client (no cookies) got: "201" or the refusal
    csrf: bool  # the load has to send a CSRF cookie and header to be let in


@contextlib.contextmanager
def sample_waits(url: str, seg: Segment) -> Iterator[None]:
    """What the database's busy backends are doing (or waiting for), 20 times a second."""
    import psycopg

    stop = threading.Event()
    query = (
        "SELECT coalesce(wait_event_type || ':' || wait_event, 'running'), left(query, 40) "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND state = 'active'"
    )

    def sample() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            while not stop.wait(0.05):
                seg.wait_samples += 1
                for wait, statement in conn.execute(query):
                    seg.waits[(wait, statement.split(" (")[0].split(" WHERE")[0])] += 1

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        stop.set()
        sampler.join()


def smoke_test(port: int, token: str) -> Smoke:
    """One intake POST must answer 201 with id and tracking_code, and its replay the same answer.

    A plain API client (no cookies, no CSRF token) is tried first; if it is refused for CSRF, that is
    reported (and fails the run) and the load goes on as a browser page would, with a CSRF cookie and header.
    """
    target = Target("smoke", INTAKE_PATH, token)
    raw = target.request(port, 99, 0)
    status, body = asyncio.run(one_request(port, raw))
    plain = "201" if status == 201 else f"{status} {body[:200].decode(errors='replace')}"
    if status == 403 and b"CSRF" in body:
        target.csrf = True
        raw = target.request(port, 99, 1)  # a new Idempotency-Key: the refusal under the old one is kept
        status, body = asyncio.run(one_request(port, raw))
    if status != 201:
        raise SystemExit(f"POST {INTAKE_PATH} answered {status}, not 201: {body[:800]!r}")
    answer = json.loads(body)
    if not {"id", "tracking_code"} <= answer.keys():
        raise SystemExit(f"POST {INTAKE_PATH} answered 201 without id and tracking_code: {answer}")
    status2, body2 = asyncio.run(one_request(port, raw))
    if status2 != 201 or json.loads(body2).get("tracking_code") != answer["tracking_code"]:
        raise SystemExit(f"replaying the Idempotency-Key answered {status2}: {body2[:800]!r}")
    return Smoke([body], plain, target.csrf)


# --- results ---------------------------------------------------------------------------------------


def percentile_ms(samples: list[float], pct: float) -> float:
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0] * 1000
    return statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1] * 1000


@dataclass
class Outcome:
    setting: ServerSetting
    segments: list[Segment]
    smoke: Smoke
    answers: int = 0  # 201 answers (warm-up and smoke test included)
    created_codes: int = 0  # distinct tracking codes in 201 answers
    rows: int = 0  # rows in tips_tip carrying this run's token
    lost: int = 0  # 201 answers whose tip is not in tips_tip

    def of(self, target: str) -> list[Segment]:
        return [s for s in self.segments if s.target == target]

    def latencies(self, target: str) -> list[float]:
        return [x for s in self.of(target) for x in s.latencies]

    def rate(self, target: str) -> float:
        segs = self.of(target)
        return sum(s.measured for s in segs) / sum(s.wall for s in segs)

    def errors(self, target: str) -> int:
        ok = 201 if target == "intake" else 200
        return sum(
            sum(n for st, n in s.statuses.items() if st != ok) + s.failures.total() for s in self.of(target)
        )

    def share(self) -> float:
        return self.rate("intake") / self.rate("ceiling")

    def p99_ms(self, target: str) -> float:
        return percentile_ms(self.latencies(target), 99)

    def passed(self) -> dict[str, bool]:
        return {
            f">= {TARGET_SHARE:.0%} of ceiling": self.share() >= TARGET_SHARE,
            f"p99 < {TARGET_P99_MS:.0f} ms": self.p99_ms("intake") < TARGET_P99_MS,
            "0 lost": self.lost == 0 and self.rows >= self.created_codes,
            "every 201 a new tip": self.created_codes == self.answers,
            "0 errors": self.errors("intake") == 0 and self.errors("ceiling") == 0,
            "plain API client let in": self.smoke.plain_client == "201",
        }


def check_database(url: str, token: str, outcome: Outcome) -> None:
    import psycopg

    bodies = [b for s in outcome.of("intake") for b in s.created] + outcome.smoke.created
    codes = {json.loads(b)["tracking_code"] for b in bodies}
    outcome.answers = len(bodies)
    with psycopg.connect(url) as conn:
        found = {
            row[0]
            for row in conn.execute(
                "SELECT tracking_code FROM tips_tip WHERE description LIKE %s", [f"Bench {token} %"]
            )
        }
    outcome.created_codes = len(codes)
    outcome.rows = len(found)
    outcome.lost = len(codes - found)


def status_summary(segs: list[Segment]) -> str:
    statuses: Counter[int] = Counter()
    failures: Counter[str] = Counter()
    for s in segs:
        statuses.update(s.statuses)
        failures.update(s.failures)
    parts = [f"{code}: {n:,}" for code, n in sorted(statuses.items())]
    parts += [f"{name}: {n:,}" for name, n in sorted(failures.items())]
    return ", ".join(parts) or "none"


def report(outcome: Outcome) -> None:
    print(f"-- {outcome.setting.label} --")
    if outcome.smoke.csrf:
        print(
            f"!! a plain API client (no cookies) was refused: {outcome.smoke.plain_client}\n"
            "!! so both targets below were sent a CSRF cookie and X-CSRFToken header, as a browser page would"
        )
    rows: list[list[str]] = []
    for seg in outcome.segments:
        rows.append(
            [
                f"round {seg.round + 1} {seg.target}",
                f"{seg.measured:,}",
                f"{seg.rate:,.0f}",
                f"{percentile_ms(seg.latencies, 50):.1f}",
                f"{percentile_ms(seg.latencies, 99):.1f}",
                f"{seg.client_cpu:.0%}",
                f"{seg.machine_busy:.0%}",
            ]
        )
    print_table(["round", "requests", "req/s", "p50 ms", "p99 ms", "bench CPU", "machine busy"], rows)
    print("(bench CPU: this process's CPU time / wall time, 100% = one core; machine busy: both cores)")
    print()
    rows = []
    for target in ("ceiling", "intake"):
        lat = outcome.latencies(target)
        rows.append(
            [
                f"{target} ({CEILING_PATH if target == 'ceiling' else INTAKE_PATH})",
                f"{len(lat):,}",
                f"{outcome.rate(target):,.0f}",
                f"{percentile_ms(lat, 50):.1f}",
                f"{percentile_ms(lat, 95):.1f}",
                f"{percentile_ms(lat, 99):.1f}",
                f"{max(lat) * 1000:.1f}",
                f"{outcome.errors(target):,}",
            ]
        )
    print_table(["target", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"], rows)
    print(f"intake/ceiling throughput: {outcome.share():.0%}")
    print(f"answers, ceiling: {status_summary(outcome.of('ceiling'))}")
    print(f"answers, intake:  {status_summary(outcome.of('intake'))} (warm-up included)")
    print(
        f"database: {outcome.answers:,} answers 201 with {outcome.created_codes:,} distinct tracking codes "
        f"(warm-up and smoke test included), {outcome.rows:,} rows of this run in tips_tip, "
        f"lost: {outcome.lost}"
    )
    waits: Counter[tuple[str, str]] = Counter()
    for seg in outcome.of("intake"):
        waits.update(seg.waits)
    samples = sum(seg.wait_samples for seg in outcome.of("intake"))
    if waits and samples:
        total = waits.total()
        print(
            f"PostgreSQL during intake (pg_stat_activity every 50 ms): {total / samples:.1f} backends busy "
            "on average; what they were doing (wait event, or running), by statement:"
        )
        for (wait, statement), n in waits.most_common(6):
            print(f"  {n / total:>4.0%}  {wait:<22} {statement}")
    verdicts = outcome.passed()
    overall = "PASS" if all(verdicts.values()) else "FAIL"
    print(f"{overall}: " + ", ".join(f"{name} {'ok' if ok else 'MISSED'}" for name, ok in verdicts.items()))
    print()


# --- profile through the Django test client --------------------------------------------------------


def profile_main(count: int) -> None:
    """Child process: cProfile `count` intake POSTs through django.test.Client on the bench database."""
    import cProfile
    import pstats

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    token = uuid.uuid4().hex[:12]
    target = Target("profile", INTAKE_PATH, token)

    def post(n: int, path: str = INTAKE_PATH, expect: int = 201) -> None:
        response = client.post(
            path,
            target.body(0, n),
            content_type="application/json",
            headers={"Idempotency-Key": f"{token}-{n}"},
        )
        if response.status_code != expect:
            raise SystemExit(f"profile: {path} {response.status_code} {response.content[:500]!r}")

    for n in range(20):
        post(n)
        post(n, CEILING_PATH, 200)
    for path, expect in ((CEILING_PATH, 200), (INTAKE_PATH, 201)):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for n in range(1000, 1000 + count):
            post(n, path, expect)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        print(
            f"POST {path}: {count} requests one at a time, no profiler: {wall / count * 1000:.2f} ms wall, "
            f"{cpu / count * 1000:.2f} ms CPU in this process, per request"
        )
    with CaptureQueriesContext(connection) as queries:
        post(20)
    print(f"SQL statements in one intake request: {len(queries.captured_queries)}")
    for q in queries.captured_queries:
        print(f"  {q['time']:>6} s  {' '.join(q['sql'].split())[:150]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(2000, 2000 + count):
        post(n)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(r"binhyen/", 25)  # the project's own functions
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)


def profile(env: dict[str, str], count: int) -> None:
    command = [sys.executable, "-m", "bench.tips_intake", "--profile", str(count)]
    subprocess.run(command, env=env, cwd=ROOT, check=False)


# --- the benchmark ---------------------------------------------------------------------------------


def run_setting(setting: ServerSetting, env: dict[str, str], log: Path, token: str, rounds: int) -> Outcome:
    segments: list[Segment] = []
    with gunicorn(setting, env, log) as port:
        smoke = smoke_test(port, token)
        targets = [
            Target("ceiling", CEILING_PATH, token, smoke.csrf),
            Target("intake", INTAKE_PATH, token, smoke.csrf),
        ]
        steps = [(r, t) for r in range(rounds) for t in (targets if r % 2 == 0 else targets[::-1])]
        for r, target in tqdm(steps, desc=setting.label, unit="segment", leave=False):
            target.round = r
            seg = Segment(target.name, r)
            with sample_waits(POSTGRES_URL, seg):
                asyncio.run(drive(target, port, seg))
            segments.append(seg)
    return Outcome(setting, segments, smoke)


def machine() -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({model}), Python {sys.version.split()[0]}, load average {load}"


def run(db: BenchDatabase, rounds: int) -> None:
    if db.vendor != "sqlite":
        print("== tips_intake: skipped in the --postgres pass (it always runs on its own PostgreSQL) ==")
        return
    settings = parse_servers(SERVERS)
    var_dir = db.var_dir / "tips_intake"
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    env = server_env(POSTGRES_URL, var_dir)
    log = var_dir / "gunicorn.log"
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    try:
        recreate_database(POSTGRES_URL)
        binhyen(env, "migrate", "--verbosity", "0")
        binhyen(env, "areas", "--verbosity", "0", "load")
        setup = time.perf_counter() - started
        for setting in settings:
            token = uuid.uuid4().hex[:12]  # one per server setting: the database check counts its rows
            outcome = run_setting(setting, env, log, token, rounds)
            check_database(POSTGRES_URL, token, outcome)
            outcomes.append(outcome)
        print(f"== tips_intake on {postgres_facts(POSTGRES_URL)} ==")
        print(f"machine: {machine()}")
        print(
            f"setup (create database, migrate, areas load): {setup:.1f} s; {CLIENTS} clients, one keep-alive "
            f"connection each; {rounds} rounds x 2 targets x ({WARMUP:g} s warm-up + {SECONDS:g} s "
            "measured), interleaved, ceiling first in odd-numbered rounds"
        )
        print(
            "client addresses: "
            + (
                "16 distinct (X-Forwarded-For, TRUST_X_FORWARDED_FOR=true): 16 rate-limit counters"
                if DISTINCT_ADDRESSES
                else "all 127.0.0.1: one rate-limit counter shared by every request"
            )
        )
        print()
        for outcome in outcomes:
            report(outcome)
        if len(outcomes) > 1:
            summary = [
                [
                    o.setting.label,
                    f"{o.rate('ceiling'):,.0f}",
                    f"{o.rate('intake'):,.0f}",
                    f"{o.share():.0%}",
                    f"{o.p99_ms('intake'):.1f}",
                    str(o.lost),
                    "PASS" if all(o.passed().values()) else "FAIL",
                ]
                for o in outcomes
            ]
            print_table(
                ["server", "ceiling req/s", "intake req/s", "share", "intake p99 ms", "lost", ""], summary
            )
            print()
        if PROFILE_REQUESTS > 0:
            print(f"== profile: {PROFILE_REQUESTS} intake POSTs via the Django test client, same database ==")
            sys.stdout.flush()
            profile(env, PROFILE_REQUESTS)
    finally:
        with contextlib.suppress(Exception):
            drop_database(POSTGRES_URL)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--profile"]:
        profile_main(int(sys.argv[2]))
    else:
        raise SystemExit("run it as: python -m bench tips_intake")
