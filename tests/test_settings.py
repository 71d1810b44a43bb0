from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _binhyen(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("BINHYEN_", "DATABASE_URL", "SECRET_KEY"))
    }
    return subprocess.run(
        [sys.executable, "-m", "binhyen.cli", *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "BINHYEN_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "binhyen.example.vn",
    "BINHYEN_FIELD_KEYS": "x4hqVvS3n3gqYb1xkYk2fE4Vn6q7W8yZ0aBcDeFgHiI=",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/binhyen",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    r = _binhyen(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "BINHYEN_VAR_DIR": str(tmp_path)}
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "BINHYEN_FIELD_KEYS"])
def test_production_refuses_without_secrets_or_hosts(tmp_path: Path, missing: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    r = _binhyen("check", env={**env, "BINHYEN_VAR_DIR": str(tmp_path)})
    assert r.returncode != 0 and missing in r.stderr


def test_demo_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    env = {"BINHYEN_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
    first = _binhyen("shell", "--no-imports", "-c", code, env=env).stdout.split()
    second = _binhyen("shell", "--no-imports", "-c", code, env=env).stdout.split()
    assert first == second and len(first[0]) > 40 and first[1] == "False"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_busy_timeout() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only pragmas; this run is on " + connection.vendor)
    with connection.cursor() as c:
        c.execute("PRAGMA busy_timeout")
        assert c.fetchone()[0] == 20000
        c.execute("PRAGMA foreign_keys")
        assert c.fetchone()[0] == 1


def test_sqlite_file_database_uses_wal(tmp_path: Path) -> None:
    env = {"BINHYEN_VAR_DIR": str(tmp_path)}
    code = (
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0])"
    )
    assert _binhyen("shell", "--no-imports", "-c", code, env=env).stdout.strip() == "wal"
