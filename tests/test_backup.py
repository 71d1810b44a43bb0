"""`binhyen backup` / `binhyen restore`: a round trip loses nothing, and restore refuses what it should.

Runs on the suite's database engine (SQLite, or PostgreSQL when DATABASE_URL says so) against dedicated,
really committed databases (PostgreSQL: `binhyen_backup_*`, created and dropped here; SQLite: files under
tmp) with `binhyen` as a subprocess, as an operator would run it. A migrated template database is made once
and cloned for each source and target, so `migrate` runs once per module.

Messages are checked by what does not depend on the language (table names, paths, engine names, --force),
since the commands speak Vietnamese.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).with_name("binhyen"))
PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
PREFIX = "binhyen_backup_t_"

SEED = """
import datetime, io
from django.utils import timezone
from binhyen.accounts import domain as accounts
from binhyen.alerts import domain as alerts
from binhyen.alerts.models import Subscription, SubscriptionArea
from binhyen.areas.models import Area
from binhyen.audit import domain as audit
from binhyen.incidents import domain as incidents
from binhyen.tips import domain as tips

with audit.acting_as("test: seed"):
    province = Area.objects.create(code="68", name="Tỉnh Lâm Đồng", type="province", level=1, path="68")
    commune = Area.objects.create(code="24958", name="Xã Đức Trọng", type="commune", level=2,
                                  parent=province, path="6800001")
    villages = [Area.objects.create(code=f"24958-0{i}", name=name, type="village", level=3, parent=commune,
                                    path=f"680000100{i:02d}")
                for i, name in enumerate(["Thôn Tân Hiệp", "Thôn Đa Thọ", "Tổ dân phố 3"], start=1)]
    officer = accounts.create_user(accounts.NewUser(username="officer", password="Mat-khau-thu-nghiem-2025",
        role="commune_officer", area_code="24958", full_name="Nguyễn Văn An", phone="0912345678"))
    jpeg = b"\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF\\x00" + bytes(range(256)) * 4
    tip = tips.submit(tips.NewTip(category="trom-cap", description="Có người lạ cạy khoá xe máy lúc 22 giờ.",
        commune="24958", village="24958-01", anonymous=False, reporter_name="Trần Thị Bình",
        reporter_phone="0912 345 678", latitude=11.735, longitude=108.373),
        files=[tips.Upload("IMG_1.jpg", io.BytesIO(jpeg), len(jpeg))])
    tips.submit(tips.NewTip(category="trom-cap", description="Trộm chó ở thôn Đa Thọ", commune="24958"))
    incidents.create_incident(officer, incidents.NewIncident(category="trom-cap", commune="24958",
        village="24958-02", occurred_at=timezone.now() - datetime.timedelta(days=2),
        summary="Mất trộm xe máy Honda Wave trước cổng chợ.", suspects=1, victims=1,
        property_damage_vnd=18_500_000))
    sub = Subscription.objects.create(user=officer, channels="web", consent_at=timezone.now(),
                                      consent_text="test")
    SubscriptionArea.objects.create(subscription=sub, area=villages[0], area_path=villages[0].path)
    alerts.compose(officer, alerts.AlertInput(kind="security", severity="Severe", headline="Kẻng an ninh",
        text="Trộm ở thôn Tân Hiệp", expires_at=timezone.now() + datetime.timedelta(hours=2),
        area_codes=[villages[0].code]))
print("SEEDED", tip.tracking_code)
"""


# --- databases -----------------------------------------------------------------------------------


def _pg_base() -> str:
    return os.environ["DATABASE_URL"]


def _pg_url(name: str) -> str:
    return urlunsplit(urlsplit(_pg_base())._replace(path=f"/{name}"))


def _admin() -> Any:
    import psycopg

    return psycopg.connect(_pg_url("postgres"), autocommit=True, connect_timeout=3)


@dataclass
class Site:
    """One installation: a database and a media directory."""

    url: str
    media: Path

    def env(self, var: Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(DATABASE_URL=self.url, MEDIA_ROOT=str(self.media), BINHYEN_ENV="test", LOG_LEVEL="WARNING")
        env.setdefault("BINHYEN_VAR_DIR", str(var))  # the suite's var dir keeps the field key and caches
        env["BINHYEN_TASK_BACKEND"] = "immediate"
        return env


class Sites:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.var = tmp / "var"
        self.made: list[str] = []
        # The source is migrated first; copies of it taken before it is seeded are "fresh" databases.
        self.template = self._blank("src")
        run(self.template, self.var, "migrate", "--no-input", "-v", "0")

    def _blank(self, name: str) -> Site:
        media = self.tmp / f"media-{name}"
        if PG:
            db = PREFIX + name
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{db}"')
            self.made.append(db)
            return Site(_pg_url(db), media)
        return Site(f"sqlite:///{self.tmp / (name + '.sqlite3')}", media)

    def new(self, name: str, migrated: bool = True) -> Site:
        """A fresh site: a copy of the migrated source before its seed (nothing but what `migrate` writes),
        or blank."""
        if not migrated:
            return self._blank(name)
        media = self.tmp / f"media-{name}"
        if PG:
            db = PREFIX + name
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{db}" TEMPLATE "{PREFIX}src"')
            self.made.append(db)
            return Site(_pg_url(db), media)
        path = self.tmp / f"{name}.sqlite3"
        src, dst = sqlite3.connect(_sqlite_file(self.template)), sqlite3.connect(path)
        src.backup(dst)
        src.close()
        dst.close()
        return Site(f"sqlite:///{path}", media)

    def drop(self) -> None:
        if PG and self.made:
            with _admin() as admin:
                for db in self.made:
                    admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _sqlite_file(site: Site) -> str:
    return site.url.removeprefix("sqlite:///")


def run(
    site: Site, var: Path, *args: str, check: bool = True, code: str = ""
) -> subprocess.CompletedProcess[str]:
    cmd = [BIN, *args] if not code else [BIN, "shell", "-c", code]
    done = subprocess.run(cmd, env=site.env(var), cwd=ROOT, capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


# --- fingerprints --------------------------------------------------------------------------------


def _digest(rows: Any) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def fingerprint(site: Site) -> dict[str, Any]:
    """Every table's full content (all rows ordered by primary key), and sequences: {table: (rows, hash)}."""
    out: dict[str, Any] = {}
    if PG:
        import psycopg

        with psycopg.connect(site.url) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                ).fetchall()
            ]
            for table in tables:
                pk = [
                    r[0]
                    for r in conn.execute(
                        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
                        "ORDER BY a.attnum",
                        (f'"{table}"',),
                    ).fetchall()
                ]
                order = ", ".join(f'"{c}"' for c in pk) or "1"
                rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
                out[table] = rows
            out["<sequences>"] = conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        return out
    conn = sqlite3.connect(_sqlite_file(site))
    try:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        ]
        for table in tables:
            info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
            pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
            order = ", ".join(f'"{c}"' for c in pk) or "rowid"
            out[table] = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
    finally:
        conn.close()
    return out


def media_of(site: Site) -> dict[str, str]:
    if not site.media.exists():
        return {}
    return {
        p.relative_to(site.media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.media.rglob("*"))
        if p.is_file()
    }


def _without_audit_sequence(rows: list[Any]) -> list[Any]:
    return [r for r in rows if not str(r[0]).startswith("audit_auditevent")]


def assert_same_as_archive(restored: dict[str, Any], source: dict[str, Any]) -> None:
    """Identical, except the restore's own audit event appended to the log (and its id sequence)."""
    assert sorted(restored) == sorted(source)
    sequences = "<sequences>" if PG else "sqlite_sequence"
    for table in source:
        if table not in ("audit_auditevent", sequences):
            assert restored[table] == source[table], table
    assert _without_audit_sequence(restored[sequences]) == _without_audit_sequence(source[sequences])
    audit = restored["audit_auditevent"]
    assert audit[:-1] == source["audit_auditevent"]
    assert "ops.restore" in audit[-1]


# --- fixtures ------------------------------------------------------------------------------------


@dataclass
class Backup:
    sites: Sites
    source: Site
    fresh: Site  # migrated, nothing else
    blank: Site  # not even migrated
    archive: Path
    tables: dict[str, Any]  # the source's fingerprint when the archive was made
    media: dict[str, str]
    output: str


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backup]:
    if PG:
        try:
            _admin().close()
        except Exception as e:  # no PostgreSQL here
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"PostgreSQL not reachable ({e.__class__.__name__})")
    tmp = tmp_path_factory.mktemp("backup")
    # Telling an empty database from a used one needs a scratch `migrate` (cached per migration set in the
    # var dir): measure it meanwhile, on the other core.
    scratch = Site(f"sqlite:///{tmp / 'scratch.sqlite3'}", tmp / "media-scratch")
    warm = subprocess.Popen(
        [BIN, "shell", "-c", "from binhyen.ops.backup_baseline import baseline; baseline()"],
        env=scratch.env(tmp / "var"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sites = Sites(tmp)
    try:
        source = sites.template
        fresh = sites.new("target")
        blank = sites.new("blank", migrated=False)
        out = run(source, sites.var, code=SEED).stdout
        assert "SEEDED" in out, out
        tables, media = fingerprint(source), media_of(source)
        archive = tmp / "archives" / "site.tar"
        done = run(source, sites.var, "backup", str(archive))
        assert warm.wait(timeout=300) == 0, warm.communicate()[1]
        yield Backup(sites, source, fresh, blank, archive, tables, media, done.stdout)
    finally:
        warm.kill() if warm.poll() is None else None
        sites.drop()


def _restore(
    b: Backup, site: Site, archive: Path | None = None, *extra: str
) -> subprocess.CompletedProcess[str]:
    return run(site, b.sites.var, "restore", str(archive or b.archive), *extra, check=False)


# --- tests ---------------------------------------------------------------------------------------


def test_backup_archive_is_private_and_complete(made: Backup) -> None:
    assert stat.S_IMODE(made.archive.stat().st_mode) == 0o600
    assert made.media, "the seed wrote a tip attachment into media"
    with tarfile.open(made.archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[-1] == "manifest.json"
    assert ("database.pgdump" if PG else "database.sqlite3") in names
    assert {n.removeprefix("media/") for n in names if n.startswith("media/")} == set(made.media)
    assert manifest["engine"] == ("postgresql" if PG else "sqlite")
    assert manifest["tables"]["tips_tip"] == 2 and manifest["tables"]["tips_reporter"] == 1
    assert "0001_initial" in manifest["migrations"]["tips"]
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert str(made.archive) in made.output
    # The backup is in the source's audit log (after the dump, so not in the archive itself).
    assert any("ops.backup" in row for row in fingerprint(made.source)["audit_auditevent"])


def _add_data(site: Site) -> None:
    """Something an operator would lose: a session row and a media file."""
    if PG:
        import psycopg

        with psycopg.connect(site.url, autocommit=True) as conn:
            conn.execute("INSERT INTO django_session VALUES ('s1', 'data', now())")
    else:
        with sqlite3.connect(_sqlite_file(site)) as conn:
            conn.execute("INSERT INTO django_session VALUES ('s1', 'data', '2030-01-01')")
    (site.media / "tips").mkdir(parents=True, exist_ok=True)
    (site.media / "tips" / "old.jpg").write_bytes(b"old")


def test_round_trip_loses_nothing_then_refuses_a_used_database_then_force_replaces(
    made: Backup, tmp_path: Path
) -> None:
    # 1. Into a fresh database: migrated, so it holds only what `migrate` writes, which counts as empty.
    target = made.fresh
    done = _restore(made, target)
    assert done.returncode == 0, done.stdout + done.stderr
    assert_same_as_archive(fingerprint(target), made.tables)  # every row of every table, and sequences
    assert media_of(target) == made.media  # every media file's bytes
    assert "tips_reporter" in done.stdout  # the table of counts, restored vs. archive

    # 2. Now it holds data: refused without --force, saying what it found; nothing changes.
    _add_data(target)
    before, before_media = fingerprint(target), media_of(target)
    done = _restore(made, target)
    assert done.returncode != 0
    assert "django_session: 1" in done.stderr and "tips_tip: 2" in done.stderr, done.stderr
    assert "--force" in done.stderr and str(target.media) in done.stderr  # and the media files it found
    assert "auth_permission" not in done.stderr  # what migrate wrote is not "data"
    assert fingerprint(target) == before and media_of(target) == before_media

    # 3. A damaged archive is refused even with --force, naming the bad member; nothing changes.
    data = bytearray(made.archive.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside the database member
    flipped = tmp_path / "flipped.tar"
    flipped.write_bytes(bytes(data))
    done = _restore(made, target, flipped, "--force")
    assert done.returncode != 0
    assert str(flipped) in done.stderr and "database." in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert fingerprint(target) == before and media_of(target) == before_media

    # 4. --force replaces everything: the database and the media directory (old.jpg goes).
    done = _restore(made, target, None, "--force", "-v", "0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert_same_as_archive(fingerprint(target), made.tables)
    assert media_of(target) == made.media


def test_engine_mismatch_is_refused_then_a_blank_database_takes_the_archive(
    made: Backup, tmp_path: Path
) -> None:
    target = made.blank
    own, other = ("postgresql", "sqlite") if PG else ("sqlite", "postgresql")
    member = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}

    def swap_engine(manifest: dict[str, Any]) -> dict[str, str]:
        manifest["engine"] = other
        manifest["members"][member[other]] = manifest["members"].pop(member[own])
        return {member[own]: member[other]}

    done = _restore(made, target, _rewrite(made.archive, tmp_path / "engine.tar", swap_engine))
    assert done.returncode != 0
    assert "PostgreSQL" in done.stderr and "SQLite" in done.stderr, done.stderr
    assert fingerprint(target) == ({"<sequences>": []} if PG else {})  # still blank
    assert not target.media.exists() or not any(target.media.iterdir())

    done = _restore(made, target, None, "-v", "0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert_same_as_archive(fingerprint(target), made.tables)
    assert media_of(target) == made.media


def _rewrite(archive: Path, dest: Path, change: Any) -> Path:
    """A copy of the archive whose manifest `change` edits (checksums stay right: a sound archive)."""
    with tarfile.open(archive) as src, tarfile.open(dest, "w", format=tarfile.PAX_FORMAT) as out:
        members = src.getmembers()
        manifest = json.load(src.extractfile("manifest.json"))  # type: ignore[arg-type]
        renames = change(manifest) or {}
        for m in members:
            if m.name != "manifest.json":
                data = src.extractfile(m)
                m.name = renames.get(m.name, m.name)
                out.addfile(m, data)
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        out.addfile(info, io.BytesIO(body))
    return dest


def test_verify_names_what_is_wrong(made: Backup, tmp_path: Path) -> None:
    from binhyen.ops import backup

    data = made.archive.read_bytes()
    broken = {
        "truncated": data[: len(data) // 2],
        "cut before the manifest": data[: data.rfind(b"manifest.json") - 512],
        "empty": b"",
        "garbage": b"not an archive at all" * 100,
    }
    for name, content in broken.items():
        path = tmp_path / f"{name}.tar"
        path.write_bytes(content)
        with pytest.raises(backup.ArchiveError) as e:
            backup.verify(path)
        assert str(path) in str(e.value), name
    future = _rewrite(made.archive, tmp_path / "format.tar", lambda m: m.update(version=99))
    with pytest.raises(backup.ArchiveError, match="99"):
        backup.verify(future)
    assert backup.verify(made.archive)["engine"] == ("postgresql" if PG else "sqlite")


def test_migration_state_against_the_code(made: Backup) -> None:
    from binhyen.ops import backup

    archived = backup.verify(made.archive)["migrations"]
    assert backup.migration_state(archived) == backup.MigrationState([], [])
    newer = {**archived, "tips": [*archived["tips"], "9999_from_the_future"], "gone_app": ["0001_initial"]}
    assert backup.migration_state(newer).unknown == ["tips.9999_from_the_future"]  # removed apps don't count
    older = {**archived, "tips": archived["tips"][:-1]}
    assert backup.migration_state(older).pending == [f"tips.{archived['tips'][-1]}"]
