"""What `binhyen migrate` itself writes into an empty database (django_migrations, content types,
permissions, the rows of data migrations: categories, rubrics, data sets…).

A database holding no more than this counts as empty for `binhyen restore`. The set is measured, never
listed by hand: a subprocess migrates a fresh SQLite database and counts its rows. The result is cached
under VAR_DIR/cache, keyed by the contents of every migration file, so it goes stale only when a
migration changes, and then it is measured again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from binhyen.ops.backup_engines import BackupError


def migrations_key() -> str:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        digest.update(f"{app}/{name}\0".encode())
        source = getattr(sys.modules.get(type(migration).__module__), "__file__", None)
        if source:
            digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:20]


def _cache_path() -> Path:
    return Path(settings.VAR_DIR) / "cache" / f"migrate-baseline-{migrations_key()}.json"


def baseline() -> dict[str, int]:
    """Rows per table in a freshly migrated database."""
    cache = _cache_path()
    try:
        return {str(k): int(v) for k, v in json.loads(cache.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        pass
    with tempfile.TemporaryDirectory(prefix="binhyen-baseline-") as tmp:
        out = Path(tmp) / "counts.json"
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{Path(tmp) / 'baseline.sqlite3'}")
        done = subprocess.run(
            [sys.executable, "-m", "binhyen.ops.backup_baseline", str(out)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(
                _("Could not migrate a scratch database to tell an empty database from a used one: %(error)s")
                % {"error": done.stderr.strip()[-2000:]}
            )
        counts = {str(k): int(v) for k, v in json.loads(out.read_text()).items()}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(counts, sort_keys=True))
    except OSError:
        pass  # a read-only VAR_DIR only costs the next restore the same minute
    return counts


def _measure(out: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
    django.setup()
    from django.core.management import call_command

    from binhyen.ops.backup_engines import read_sqlite, sqlite_path

    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connections

    connections.close_all()
    out.write_text(json.dumps(read_sqlite(sqlite_path()).tables))


if __name__ == "__main__":
    _measure(Path(sys.argv[1]))
