"""The files under deploy/ are a working configuration, not prose: the example environment passes
Django's deployment checks, and every command the systemd units start exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _env_example() -> dict[str, str]:
    env = {}
    for line in (DEPLOY / "binhyen.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def test_the_example_environment_passes_the_deployment_checks(tmp_path: Path) -> None:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("BINHYEN_", "DATABASE_URL", "SECRET_KEY"))
    }
    env = {**base, **_env_example(), "BINHYEN_VAR_DIR": str(tmp_path), "STATIC_ROOT": str(tmp_path / "s")}
    env["MEDIA_ROOT"] = str(tmp_path / "m")
    r = subprocess.run(
        [sys.executable, "-m", "binhyen.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_every_setting_in_the_example_is_read_by_the_code() -> None:
    code = (ROOT / "binhyen" / "settings.py").read_text() + (
        ROOT / "binhyen" / "ops" / "gunicorn_conf.py"
    ).read_text()
    unread = [key for key in _env_example() if f'"{key}"' not in code]
    assert not unread, f"deploy/binhyen.env.example sets variables nothing reads: {unread}"


def test_systemd_units_start_commands_that_exist() -> None:
    commands = set(get_commands())
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {"binhyen-web.service", "binhyen-worker@.service"}
    for unit in units:
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                found = re.search(r"/bin/binhyen (\w+)", line)
                assert found and found.group(1) in commands, f"{unit.name}: {line}"
