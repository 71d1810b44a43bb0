"""The production configuration, started for real: PostgreSQL and Redis on loopback, `binhyen release`,
`binhyen serve` with two app processes behind one address, one `binhyen worker` on the Redis queue.

A smoke flow goes through it over HTTP: readiness, an anonymous tip in (retried with the same
Idempotency-Key: one tip), the officer sees it in the queue, the officer sends an alert, and the worker
delivers it to a subscriber's webhook. Static files come hashed, compressed and cacheable for a year;
logs are JSON lines without client addresses.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import skip_if_postgres_pass_follows

DB_NAME = "binhyen_production_smoke"
REDIS_DB = 11  # a database of its own on the shared Redis, emptied before and after
ROOT = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).with_name("binhyen"))
PASSWORD = "Mat-khau-thu-nghiem-2025"

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _pg_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("BINHYEN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/binhyen")
    return url


def _skip_or_fail(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"required in CI: {why}")
    pytest.skip(why)


@pytest.fixture
def services() -> Iterator[tuple[str, str]]:
    skip_if_postgres_pass_follows()
    import psycopg
    import redis

    url = _pg_url()
    parts = urlsplit(url)
    try:
        admin = psycopg.connect(
            urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3
        )
    except Exception as e:
        _skip_or_fail(f"PostgreSQL not reachable ({e.__class__.__name__})")
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    r = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    try:
        r.flushdb()
    except Exception as e:
        admin.close()
        _skip_or_fail(f"Redis not reachable ({e.__class__.__name__})")
    admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{DB_NAME}")), redis_url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.close()
        r.flushdb()
        r.close()


class Sink:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.got = threading.Event()


@pytest.fixture
def sink() -> Iterator[tuple[str, Sink]]:
    s = Sink()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            s.bodies.append(json.loads(body))
            s.got.set()
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
from binhyen.accounts import domain as accounts
from binhyen.alerts import domain as alerts
from binhyen.areas import domain as areas
commune = areas.get_area("24958")
village = areas.create_village(commune, areas.VillageInput(name="Thôn Tân Hiệp", type="village"))
accounts.create_user(accounts.NewUser(username="officer", password=PASSWORD, role="commune_officer",
    area_code="24958", full_name="Nguyễn Văn An", phone="0912345678"))
alerts.subscribe(None, alerts.SubscriptionInput(area_codes=[village.code], channels=["webhook"],
    webhook_url=SINK + "/hook", consent=True))
print("VILLAGE", village.code)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db_url: str, redis_url: str, var: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BINHYEN_", "DATABASE_URL", "SECRET_KEY"))
    }
    env.update(
        BINHYEN_ENV="production",
        SECRET_KEY="smoke-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
        BINHYEN_FIELD_KEYS="x4hqVvS3n3gqYb1xkYk2fE4Vn6q7W8yZ0aBcDeFgHiI=",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        BINHYEN_VAR_DIR=str(var),
        STATIC_ROOT=str(var / "static"),
        MEDIA_ROOT=str(var / "media"),
        LOG_FORMAT="json",
        ALERTS_TICK_SECONDS="5",
        # The subscriber's webhook is the test's sink on loopback, which production otherwise refuses.
        ALERTS_ALLOW_PRIVATE_DESTINATIONS="true",
    )
    return env


class Client:
    """HTTP through the one address, as the proxy in front would send it (X-Forwarded-Proto: https)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.token = ""

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        h = {"X-Forwarded-Proto": "https", "Accept": "application/json", **(headers or {})}
        if data is not None:
            h["Content-Type"] = "application/json"
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()


def _wait_ready(client: Client, procs: list[subprocess.Popen[bytes]], seconds: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        for p in procs:
            assert p.poll() is None, f"{p.args} exited with {p.returncode}"
        try:
            status, _h, body = client.call("GET", "/readyz")
            last = body
            if status == 200:
                return dict(json.loads(body))
        except OSError as e:
            last = e
        time.sleep(0.3)
    raise AssertionError(f"not ready after {seconds} s: {last!r}")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_production_config_serves_a_tip_in_and_an_alert_out(
    services: tuple[str, str], sink: tuple[str, Sink]
) -> None:
    db_url, redis_url = services
    sink_url, s = sink
    var = Path(tempfile.mkdtemp(prefix="binhyen-prod-"))
    env = _env(db_url, redis_url, var)
    release = subprocess.run([BIN, "release"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert release.returncode == 0, release.stdout + release.stderr
    assert (var / "static" / "staticfiles.json").exists()
    setup = subprocess.run(
        [BIN, "shell", "-c", f"SINK = {sink_url!r}\nPASSWORD = {PASSWORD!r}\n" + SETUP],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0 and "VILLAGE" in setup.stdout, setup.stdout + setup.stderr
    village = setup.stdout.split("VILLAGE", 1)[1].split()[0]

    port = _free_port()
    web_log = (var / "web.log").open("wb")
    web = subprocess.Popen(
        [BIN, "serve", "--bind", f"127.0.0.1:{port}", "--processes", "2", "--threads", "4"],
        env=env,
        cwd=ROOT,
        stdout=web_log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [BIN, "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    client = Client(f"http://127.0.0.1:{port}")
    try:
        ready = _wait_ready(client, [web, worker])
        assert set(ready["checks"]) == {"database", "migrations", "cache", "tasks"}
        assert ready["checks"]["tasks"]["detail"] == "redis"
        assert len(_children(web.pid)) == 2  # two app processes behind the one address

        status, headers, _ = client.call("GET", "/healthz")
        assert status == 200 and headers["X-Request-ID"]

        # A tip in, anonymously; the client's retry with the same key makes no second tip.
        tip = {
            "category": "trom-cap",
            "description": "Có người lạ dò xét xe máy trước nhà văn hoá thôn vào ban đêm.",
            "commune": "24958",
            "village": village,
        }
        key = {"Idempotency-Key": "smoke-tip-0001"}
        status, _h, body = client.call("POST", "/api/v1/tips", tip, key)
        assert status == 201, body
        created = json.loads(body)
        status, _h, again = client.call("POST", "/api/v1/tips", tip, key)
        assert status == 201 and json.loads(again)["id"] == created["id"]
        status, _h, body = client.call("GET", f"/api/v1/tips/track/{created['tracking_code']}")
        assert status == 200, body

        # The officer signs in to the API and finds exactly that tip in the commune's queue.
        status, _h, body = client.call(
            "POST", "/api/v1/auth/token", {"username": "officer", "password": PASSWORD}
        )
        assert status == 200, body
        client.token = json.loads(body)["token"]
        status, _h, body = client.call("GET", "/api/v1/tips?commune=24958")
        assert status == 200, body
        assert [t["id"] for t in json.loads(body)["items"]] == [created["id"]]

        # An alert out: composed over HTTP, fanned out and delivered by the worker through Redis.
        expires = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)).isoformat()
        alert = {
            "kind": "security",
            "severity": "Severe",
            "urgent": True,
            "headline": "Kẻng an ninh: trộm xe máy",
            "text": "Phát hiện đối tượng trộm xe máy ở thôn Tân Hiệp; bà con khoá xe, báo công an xã.",
            "expires_at": expires,
            "areas": [village],
        }
        status, _h, body = client.call("POST", "/api/v1/alerts", alert, {"Idempotency-Key": "smoke-alert-1"})
        assert status == 201, body
        sent = json.loads(body)
        assert s.got.wait(60), "the worker delivered nothing within 60 s"
        assert len(s.bodies) == 1
        delivered = s.bodies[0]
        assert "Kẻng an ninh" in json.dumps(delivered, ensure_ascii=False)

        # The public CAP document of the alert is served too.
        assert sent["cap_url"], sent
        status, _h, body = client.call("GET", urlsplit(sent["cap_url"]).path)
        assert status == 200 and b"urn:oasis:names:tc:emergency:cap:1.2" in body

        # Static files: hashed names, compressed, cached for a year, from any of the processes.
        status, _h, page = client.call("GET", "/bao-tin/")
        assert status == 200
        src = page.decode().split('src="/static/', 1)[1].split('"', 1)[0]
        status, headers, _ = client.call("GET", f"/static/{src}", headers={"Accept-Encoding": "gzip"})
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"] and headers.get("Content-Encoding") == "gzip"
    finally:
        _stop(web)
        _stop(worker)
        web_log.close()
    lines = [ln for ln in (var / "web.log").read_text().splitlines() if ln.startswith("{")]
    requests = [json.loads(ln) for ln in lines if '"logger": "binhyen.request"' in ln]
    routes = {r["route"] for r in requests}
    assert len(requests) >= 8 and "/api/v1/tips" in routes and "/bao-tin/" in routes, routes
    assert {r["status"] for r in requests if r["route"] == "/api/v1/tips"} == {201, 200}
    assert all("request_id" in r and "status" in r for r in requests)
    assert not any("127.0.0.1" in ln and "binhyen.request" in ln for ln in lines)
