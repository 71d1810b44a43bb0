"""Operations: liveness and readiness probes, structured request logs, the serve and release commands."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from binhyen.ops import health, logs


def test_healthz_answers_without_the_database(client: Client) -> None:
    # No django_db mark: touching the database here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_database_migrations_cache_and_queue(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "cache", "tasks"}
    assert all(c["ok"] and c["ms"] >= 0 for c in body["checks"].values())
    assert body["worker"] == {"ok": False, "last_seen": None}  # no worker has run in this test


@pytest.mark.django_db
def test_readyz_reports_a_recent_worker(client: Client) -> None:
    from binhyen.core import periodic

    periodic.enqueue_due()
    assert client.get("/readyz").json()["worker"]["ok"] is True


@pytest.mark.django_db
def test_readyz_fails_on_pending_migrations_and_says_how_many(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(health, "_migrations_ok", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", lambda self, targets: [1, 2, 3]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["migrations"] == {
        "ok": False,
        "ms": body["checks"]["migrations"]["ms"],
        "detail": "3 migrations not applied",
    }
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_fails_when_the_database_is_down_without_leaking_why(client: Client, monkeypatch: Any) -> None:
    from django.db import connection

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionRefusedError("connection to postgres://secret@10.0.0.5 refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {
        "ok": False,
        "ms": body["checks"]["database"]["ms"],
        "detail": "ConnectionRefusedError",
    }
    assert "migrations" not in body["checks"]  # not tried without a database
    assert "secret" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_fails_when_the_cache_loses_values(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    body = client.get("/readyz").json()
    assert (
        body["checks"]["cache"]["ok"] is False and body["checks"]["cache"]["detail"] == "cache lost a value"
    )


@pytest.mark.django_db
def test_readyz_pings_redis_with_the_redis_task_backend(client: Client, settings: Any) -> None:
    settings.TASK_BACKEND = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    body = client.get("/readyz").json()
    assert body["checks"]["tasks"]["ok"] is False
    assert body["checks"]["tasks"]["detail"] in ("ConnectionError", "TimeoutError")


def _capture() -> tuple[logging.Logger, io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("binhyen.request")
    logger.addHandler(handler)
    return logger, stream, handler


@pytest.mark.django_db
def test_one_json_line_per_request_with_route_not_path_nor_address(client: Client) -> None:
    logger, stream, handler = _capture()
    old = logger.level
    logger.setLevel(logging.INFO)
    try:
        response = client.get(
            "/theo-doi/BY-SECRET-CODE/?q=private",
            HTTP_X_REQUEST_ID="proxy-req-12345678",
            REMOTE_ADDR="203.0.113.9",
        )
        client.get("/healthz")  # probes are not logged
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    assert response["X-Request-ID"] == "proxy-req-12345678"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "proxy-req-12345678"
    assert line["route"] == "/theo-doi/<str:code>/" and line["method"] == "GET"
    assert line["status"] == response.status_code and line["ms"] >= 0 and line["user_id"] is None
    text = stream.getvalue()
    for secret in ("BY-SECRET-CODE", "private", "203.0.113.9"):
        assert secret not in text


def test_a_bad_request_id_is_replaced(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline" and len(response["X-Request-ID"]) == 32


def test_json_formatter_keeps_extra_fields_and_exceptions() -> None:
    record = logging.makeLogRecord({"name": "x", "levelname": "ERROR", "msg": "Lỗi %s", "args": ("gửi",)})
    record.__dict__["alert_id"] = 7
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    out = json.loads(logs.JsonFormatter().format(record))
    assert out["msg"] == "Lỗi gửi" and out["alert_id"] == 7 and out["level"] == "ERROR"
    assert "ValueError: boom" in out["exc"]


@pytest.mark.parametrize("flag", ["--processes", "--threads"])
def test_serve_refuses_nonsense_counts(flag: str) -> None:
    with pytest.raises(CommandError, match=re.escape(flag)):  # the message names the option
        call_command("serve", flag, "0")


def test_production_static_files_collect_hashed_and_compressed(tmp_path: Any, settings: Any) -> None:
    # Production keeps hashed, compressed copies; a vendored file naming a missing source map (or any
    # other broken reference) fails collectstatic, so every release would fail.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)  # the settings signal resets storage
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/leaflet/leaflet.js"]
    assert hashed != "vendor/leaflet/leaflet.js" and (tmp_path / (hashed + ".gz")).exists()
