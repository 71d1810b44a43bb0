"""Crash test: SIGKILL the task worker in the middle of a 10,000-recipient alert, restart it; every
recipient gets exactly one delivery.

Runs against a dedicated, really committed PostgreSQL database (created and dropped here) with the real
`binhyen worker` (database task backend) as a subprocess, and a local HTTP sink standing in for the
recipients' webhooks. The sink may see the same idempotency key twice (a worker killed after the POST but
before recording it): transports are at-least-once, and the delivery id sent as idempotency key is what
turns that into exactly-once delivery. What must hold: one Delivery row per recipient, every recipient
received exactly one distinct key, and 10,000 distinct keys in all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import skip_if_postgres_pass_follows

N = 10_000
DB_NAME = "binhyen_alerts_crash"
ROOT = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).with_name("binhyen"))


def _pg_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("BINHYEN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/binhyen")
    return url


def _admin_connect(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3)


@pytest.fixture
def crash_db() -> Iterator[str]:
    skip_if_postgres_pass_follows()
    url = _pg_url()
    try:
        admin = _admin_connect(url)
    except Exception as e:  # no PostgreSQL here
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL not reachable for the crash test ({e.__class__.__name__})")
    admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    db_url = urlunsplit(urlsplit(url)._replace(path=f"/{DB_NAME}"))
    try:
        yield db_url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.close()


class Sink:
    def __init__(self) -> None:
        self.keys: dict[str, set[str]] = defaultdict(set)  # recipient path -> keys received
        self.posts = 0
        self.lock = threading.Lock()


@pytest.fixture
def sink() -> Iterator[tuple[str, Sink]]:
    s = Sink()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with s.lock:
                s.keys[self.path].add(self.headers["Idempotency-Key"])
                s.posts += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", s
    server.shutdown()
    server.server_close()


SETUP = """
import datetime
from django.utils import timezone
from binhyen.accounts import domain as accounts
from binhyen.alerts import domain
from binhyen.alerts.models import Subscription, SubscriptionArea
from binhyen.areas.models import Area
province = Area.objects.create(code="68", name="Tỉnh Lâm Đồng", type="province", level=1, path="68")
commune = Area.objects.create(code="24958", name="Xã Đức Trọng", type="commune", level=2, parent=province,
                              path="6800001")
village = Area.objects.create(code="24958-01", name="Thôn Tân Hiệp", type="village", level=3, parent=commune,
                              path="68000010001")
officer = accounts.create_user(accounts.NewUser(username="officer", password="Mat-khau-thu-nghiem-2025",
    role="commune_officer", area_code="24958", full_name="Nguyễn Văn An", phone="0912345678"))
now = timezone.now()
subs = Subscription.objects.bulk_create([
    Subscription(channels="webhook", webhook_url=f"{SINK}/hook/{i}", consent_at=now, consent_text="test")
    for i in range(N)
])
SubscriptionArea.objects.bulk_create([
    SubscriptionArea(subscription=s, area=village, area_path=village.path) for s in subs
])
alert = domain.compose(officer, domain.AlertInput(kind="security", severity="Severe", headline="Kẻng an ninh",
    text="Trộm ở thôn Tân Hiệp", expires_at=now + datetime.timedelta(hours=2), area_codes=[village.code]))
print("ALERT", alert.pk, alert.status)
"""


def _env(db_url: str, var: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        BINHYEN_ENV="test",
        BINHYEN_TASK_BACKEND="database",
        BINHYEN_VAR_DIR=var,
        ALERTS_LEASE_SECONDS="3",
        ALERTS_FANOUT_CHUNK="250",
        ALERTS_SENDERS_PER_CHANNEL="1",
        ALERTS_SEND_BATCH="100",
        ALERTS_SEND_THREADS="8",
        LOG_LEVEL="WARNING",
    )
    return env


def _state(conn: Any) -> tuple[int, int, bool]:
    rows = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'sent') FROM alerts_delivery"
    ).fetchone()
    done = conn.execute("SELECT count(*) FROM alerts_alert WHERE fanout_done_at IS NOT NULL").fetchone()[0]
    return rows[0], rows[1], bool(done)


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [BIN, "worker", "--no-periodic"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _tick(env: dict[str, str]) -> None:
    # What the periodic job does every minute: restart stalled fan-outs, queue senders for lapsed leases.
    subprocess.run(
        [BIN, "shell", "-c", "from binhyen.alerts.tasks import tick_task; tick_task.enqueue()"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_sigkill_mid_fanout_and_mid_send_still_delivers_exactly_once(
    crash_db: str, sink: tuple[str, Sink]
) -> None:
    import psycopg

    url, s = sink
    var = tempfile.mkdtemp(prefix="binhyen-crash-")
    env = _env(crash_db, var)
    subprocess.run(
        [BIN, "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    out = subprocess.run(
        [BIN, "shell", "-c", f"SINK = {url!r}\nN = {N}\n" + SETUP],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "ALERT" in out and "sending" in out, out
    conn = psycopg.connect(crash_db, autocommit=True)
    kills = []

    # 1. Kill during the fan-out (rows written, fan-out not finished), or failing that early in sending.
    worker = _worker(env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        rows, _sent, done = _state(conn)
        if (rows and not done) or s.posts >= 1000:
            break
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    kills.append(("fan-out", *_state(conn), s.posts))

    # 2. Restart; kill again in the middle of sending.
    time.sleep(3.5)  # let the leases of the dead worker run out
    worker = _worker(env)
    _tick(env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(s.keys) < N // 2:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    kills.append(("sending", *_state(conn), s.posts))

    # 3. Restart and let it finish.
    time.sleep(3.5)
    worker = _worker(env)
    try:
        deadline = time.monotonic() + 300
        last_tick = 0.0
        while time.monotonic() < deadline:
            rows, sent, done = _state(conn)
            if done and rows == sent == N:
                break
            if time.monotonic() - last_tick > 5:
                _tick(env)
                last_tick = time.monotonic()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
    rows, sent, done = _state(conn)
    print("kills (stage, rows, sent, fan-out done, posts at sink):", kills, "posts in all:", s.posts)
    assert done and rows == sent == N, (rows, sent, done, kills)
    recipients = conn.execute("SELECT count(DISTINCT recipient) FROM alerts_delivery").fetchone()[0]
    assert recipients == N  # one Delivery row per recipient
    conn.close()
    assert len(s.keys) == N  # every recipient was reached
    assert all(len(keys) == 1 for keys in s.keys.values())  # and never under two different keys
    assert len(set().union(*s.keys.values())) == N
    assert s.posts >= N  # may exceed N: the same key re-sent after a kill (at-least-once transport)
