"""`binhyen backup` and `binhyen restore`: one archive file holding everything needed to rebuild a site.

The archive is a tar file (readable with `tar tvf`):

    database.pgdump | database.sqlite3   pg_dump custom format, or an SQLite copy by the backup API
    media/…                              every file under MEDIA_ROOT (tip attachments, evidence…)
    manifest.json                        written last: format version, time, engine, migration state,
                                         rows per table, size and sha256 of every other member

The manifest comes last because the checksums are known only once the members are written; a restore
therefore reads the archive twice (verify everything, then extract), and a damaged or truncated archive
is refused before anything is touched. Encryption keys (SECRET_KEY, BINHYEN_FIELD_KEYS) are never in the
archive; it still holds personal data, so it is created with mode 0600.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.audit import domain as audit
from binhyen.audit.models import Action
from binhyen.ops import backup_baseline
from binhyen.ops.backup_engines import (
    CHUNK,
    BackupError,
    Progress,
    count_rows,
    dump_postgres,
    dump_sqlite,
    engine,
    engine_label,
    more_rows_than,
    no_progress,
    restore_postgres,
    restore_sqlite,
    table_names,
)

FORMAT = "binhyen-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
STAGING_PREFIX = ".binhyen-restore-"  # restore's work directory inside MEDIA_ROOT; never backed up
MAX_MANIFEST_BYTES = 64 * 1024 * 1024

__all__ = ["ArchiveError", "BackupError", "RestoreRefused", "backup", "restore", "verify"]


class ArchiveError(BackupError):
    """The archive is damaged, truncated, or not one of ours."""


class RestoreRefused(BackupError):
    """The archive is sound but restoring it here would be wrong or destructive."""


# --- small helpers -------------------------------------------------------------------------------


def field_key_ids() -> list[str]:
    """Short fingerprints of the field keys (never the keys), so a restore can tell whether this server
    holds the keys the archive's reporters were encrypted with."""
    return [hashlib.sha256(k.encode()).hexdigest()[:12] for k in settings.FIELD_ENCRYPTION_KEYS]


def default_archive_path() -> Path:
    folder = Path(os.environ.get("BINHYEN_BACKUP_DIR") or Path(settings.VAR_DIR) / "backups")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return folder / f"binhyen-{stamp}.tar"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(archive-relative name, path) of every regular file under MEDIA_ROOT, symlinks not followed."""
    root = root or _media_root()
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here == root:
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


class _Hashing(io.RawIOBase):
    """A file wrapper that hashes, counts and reports every byte passing through it."""

    def __init__(self, inner: IO[bytes], bar: Any = None) -> None:
        self.inner, self.bar = inner, bar
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        data = self.inner.read(-1 if n is None else n)
        self._seen(data)
        return data

    def write(self, data: Any) -> int:
        self.inner.write(data)
        self._seen(bytes(data))
        return len(data)

    def _seen(self, data: bytes) -> None:
        self.sha256.update(data)
        self.size += len(data)
        if self.bar is not None and data:
            self.bar.update(len(data))


def _add(tar: tarfile.TarFile, name: str, path: Path | None, data: bytes | None, bar: Any) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    if path is not None:
        st = path.stat()
        info.size, info.mtime, info.mode = st.st_size, int(st.st_mtime), st.st_mode & 0o777
        with path.open("rb") as f:
            reader = _Hashing(f, bar)  # type: ignore[arg-type]
            tar.addfile(info, reader)  # type: ignore[arg-type]
    else:
        assert data is not None
        info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
        reader = _Hashing(io.BytesIO(data))
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


# --- backup --------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: dict[str, Any]


def backup(dest: Path | None = None, progress: Progress = no_progress) -> BackupResult:
    kind = engine()
    dest = Path(dest) if dest else default_archive_path()
    if dest.exists():
        raise BackupError(_("%(path)s already exists; choose another name.") % {"path": dest})
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    work = Path(tempfile.mkdtemp(prefix=".binhyen-backup-", dir=dest.parent))  # mode 0700
    partial = dest.with_name(dest.name + ".partial")
    try:
        db_file = work / DATABASE_MEMBER[kind]
        snap = dump_postgres(db_file, progress) if kind == "postgresql" else dump_sqlite(db_file, progress)
        media = list(media_files())
        total = db_file.stat().st_size + sum(p.stat().st_size for _n, p in media)
        members: dict[str, dict[str, Any]] = {}
        # O_EXCL + 0600 from the first byte: personal data is never readable by others, not even briefly.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            out = _Hashing(raw)  # type: ignore[arg-type]
            bar = progress(total, _("Writing the archive"), "B")
            with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                db_file.chmod(0o600)  # the tar member keeps this mode
                members[db_file.name] = _add(tar, db_file.name, db_file, None, bar)
                for name, path in media:
                    members[MEDIA + name] = _add(tar, MEDIA + name, path, None, bar)
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "binhyen_version": _app_version(),
                    "engine": kind,
                    "server_version": snap.server,
                    "migrations": snap.migrations,
                    "tables": snap.tables,
                    "rows": sum(snap.tables.values()),
                    "media_files": len(media),
                    "field_key_ids": field_key_ids(),
                    "members": members,
                }
                _add(tar, MANIFEST, None, json.dumps(manifest, indent=1, sort_keys=True).encode(), None)
            bar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, dest)  # the final name appears only for a complete archive
    except OSError as e:
        raise BackupError(_("Could not write the archive: %(error)s") % {"error": e}) from e
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    result = BackupResult(dest, out.size, out.sha256.hexdigest(), manifest)
    audit.record(
        Action.COMMAND,
        object_type_label="ops.backup",
        detail={
            "archive": str(dest),
            "size": result.size,
            "sha256": result.sha256,
            "engine": kind,
            "rows": manifest["rows"],
            "media_files": len(media),
        },
    )
    return result


def _app_version() -> str:
    try:
        return metadata.version("binhyen")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return ""


# --- verify --------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _damaged(path: Path, detail: str) -> ArchiveError:
    return ArchiveError(
        _("%(path)s is damaged or incomplete (%(detail)s). Nothing was changed.")
        % {"path": path, "detail": detail}
    )


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r|")
    except FileNotFoundError as e:
        raise ArchiveError(_("There is no archive at %(path)s.") % {"path": path}) from e
    except (tarfile.TarError, OSError, EOFError) as e:
        raise _damaged(path, str(e) or e.__class__.__name__) from e


def verify(path: Path, progress: Progress = no_progress) -> dict[str, Any]:
    """Read the whole archive; return its manifest if every member is there, whole and unaltered."""
    path = Path(path)
    found: dict[str, dict[str, Any]] = {}
    manifest_bytes: bytes | None = None
    bar = progress(path.stat().st_size if path.exists() else None, _("Verifying the archive"), "B")
    try:
        with _open(path) as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name) or member.name in found:
                    raise _damaged(path, _("unexpected member %(name)s") % {"name": member.name})
                stream = tar.extractfile(member)
                assert stream is not None
                if member.name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise _damaged(path, _("manifest too large"))
                    manifest_bytes = stream.read()
                    continue
                digest, size = hashlib.sha256(), 0
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
                found[member.name] = {"size": size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, OSError, EOFError) as e:
        raise _damaged(path, str(e) or e.__class__.__name__) from e
    finally:
        bar.close()
    if manifest_bytes is None:
        raise _damaged(path, _("no manifest"))
    try:
        manifest = json.loads(manifest_bytes)
        assert isinstance(manifest, dict)
    except (ValueError, AssertionError) as e:
        raise _damaged(path, _("unreadable manifest")) from e
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("version"), int):
        raise ArchiveError(_("%(path)s is not a Bình Yên backup.") % {"path": path})
    if manifest["version"] > FORMAT_VERSION:
        raise ArchiveError(
            _(
                "%(path)s was made by a newer Bình Yên (archive format %(found)s; this version reads up to "
                "%(known)s). Upgrade Bình Yên first. Nothing was changed."
            )
            % {"path": path, "found": manifest["version"], "known": FORMAT_VERSION}
        )
    members = manifest.get("members")
    kind = manifest.get("engine")
    if not isinstance(members, dict) or kind not in DATABASE_MEMBER or DATABASE_MEMBER[kind] not in members:
        raise _damaged(path, _("incomplete manifest"))
    for name in sorted(set(members) | set(found)):
        if name not in found:
            raise _damaged(path, _("%(name)s is missing") % {"name": name})
        if name not in members:
            raise _damaged(path, _("unexpected member %(name)s") % {"name": name})
        if found[name] != {"size": members[name].get("size"), "sha256": members[name].get("sha256")}:
            raise _damaged(path, _("checksum mismatch in %(name)s") % {"name": name})
    for key in ("tables", "migrations"):
        if not isinstance(manifest.get(key), dict):
            raise _damaged(path, _("incomplete manifest"))
    return manifest


# --- restore -------------------------------------------------------------------------------------


@dataclass
class MigrationState:
    unknown: list[str] = field(default_factory=list)  # in the archive, not in this code: archive is newer
    pending: list[str] = field(default_factory=list)  # in this code, not in the archive: run migrate


def migration_state(archived: dict[str, list[str]]) -> MigrationState:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    applied = {(app, name) for app, names in archived.items() for name in names}
    # Rows of apps no longer installed stay in django_migrations forever; they say nothing about the schema.
    unknown = sorted(f"{app}.{name}" for app, name in applied - known if app in loader.migrated_apps)
    pending = sorted(f"{app}.{name}" for app, name in set(loader.graph.nodes) - applied)
    return MigrationState(unknown, pending)


@dataclass
class Finding:
    table: str
    rows: int
    baseline: int


def target_contents(progress: Progress = no_progress) -> tuple[list[Finding], int]:
    """Tables holding more than `migrate` puts there, and the number of files in MEDIA_ROOT."""
    vendor = connection.vendor
    with connection.cursor() as cur:
        tables = table_names(cur, vendor)
        used = [t for t in tables if more_rows_than(cur, vendor, t, 0)]
        findings: list[Finding] = []
        if used:
            base = backup_baseline.baseline()
            over = [t for t in used if more_rows_than(cur, vendor, t, base.get(t, 0))]
            counts = count_rows(cur, vendor, over, progress)
            findings = [Finding(t, counts[t], base.get(t, 0)) for t in over]
    files = sum(1 for _ in media_files())
    return findings, files


def describe_contents(findings: list[Finding], files: int, limit: int = 25) -> str:
    parts = [f"{f.table}: {f.rows}" for f in sorted(findings, key=lambda f: (-f.rows, f.table))[:limit]]
    if len(findings) > limit:
        parts.append(_("and %(n)s more tables") % {"n": len(findings) - limit})
    lines = []
    if parts:
        lines.append(_("Tables with rows (table: rows): %(list)s.") % {"list": ", ".join(parts)})
    if files:
        lines.append(_("Files in the media directory %(path)s: %(n)s.") % {"path": _media_root(), "n": files})
    return "\n".join(lines)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    mismatches: dict[str, tuple[int | None, int | None]]  # table: (archive, restored)
    pending_migrations: list[str]
    missing_key_ids: list[str]
    replaced: str  # what was there before (empty if nothing)


def _extract(
    path: Path, manifest: dict[str, Any], db_dest: Path, media_dest: Path, progress: Progress
) -> None:
    """Second pass: write the database member and the media files out, checking every byte again (the
    file could have changed since it was verified)."""
    members = manifest["members"]
    db_name = DATABASE_MEMBER[manifest["engine"]]
    bar = progress(sum(int(m["size"]) for m in members.values()), _("Extracting"), "B")
    try:
        with _open(path) as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in members:
                    raise _damaged(path, _("unexpected member %(name)s") % {"name": member.name})
                if member.name == db_name:
                    target = db_dest
                else:
                    target = media_dest / member.name.removeprefix(MEDIA)
                    target.parent.mkdir(parents=True, exist_ok=True)
                stream = tar.extractfile(member)
                assert stream is not None
                with target.open("wb") as out:
                    writer = _Hashing(out, bar)  # type: ignore[arg-type]
                    shutil.copyfileobj(stream, writer, CHUNK)
                if writer.sha256.hexdigest() != members[member.name]["sha256"]:
                    raise _damaged(path, _("checksum mismatch in %(name)s") % {"name": member.name})
                if target != db_dest:
                    os.chmod(target, member.mode & 0o777 or 0o644)
                    os.utime(target, (member.mtime, member.mtime))
    except (tarfile.TarError, OSError, EOFError) as e:
        raise _damaged(path, str(e) or e.__class__.__name__) from e
    finally:
        bar.close()


def _swap_media(root: Path, staging: Path) -> None:
    """Replace MEDIA_ROOT's contents by the staged files (renames within one file system)."""
    for child in list(root.iterdir()):
        if child == staging:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in list(staging.iterdir()):
        os.replace(child, root / child.name)
    staging.rmdir()


def restore(path: Path, *, force: bool = False, progress: Progress = no_progress) -> RestoreResult:
    path = Path(path)
    manifest = verify(path, progress)
    kind = engine()
    if manifest["engine"] != kind:
        raise RestoreRefused(
            _(
                "This archive holds a %(archive)s database, but the configured database (DATABASE_URL) is "
                "%(here)s. Restore it into a %(archive)s database. Nothing was changed."
            )
            % {"archive": engine_label(manifest["engine"]), "here": engine_label(kind)}
        )
    state = migration_state(manifest["migrations"])
    if state.unknown:
        raise RestoreRefused(
            _(
                "This archive comes from a newer version of Bình Yên: its database has migrations this "
                "version does not know (%(names)s). Upgrade Bình Yên, then restore. Nothing was changed."
            )
            % {"names": ", ".join(state.unknown[:10])}
        )
    findings, files = target_contents(progress)
    before = describe_contents(findings, files)
    if before and not force:
        raise RestoreRefused(
            _(
                "The target is not empty: it holds more than a freshly migrated database.\n%(contents)s\n"
                "Restoring would replace all of it. Restore into an empty database, or run again with "
                "--force to replace it. Nothing was changed."
            )
            % {"contents": before}
        )
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    work = Path(tempfile.mkdtemp(prefix="binhyen-restore-", dir=Path(settings.VAR_DIR)))
    try:
        db_file = work / DATABASE_MEMBER[kind]
        _extract(path, manifest, db_file, staging, progress)
        # The database first (all or nothing), then the media: a failed database restore leaves both.
        if kind == "postgresql":
            restore_postgres(db_file, progress)
        else:
            restore_sqlite(db_file, progress)
        _swap_media(root, staging)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    with connection.cursor() as cur:
        counts = count_rows(cur, kind, table_names(cur, kind), progress)
    archived: dict[str, int] = manifest["tables"]
    mismatches: dict[str, tuple[int | None, int | None]] = {
        t: (archived.get(t), counts.get(t))
        for t in sorted(set(archived) | set(counts))
        if archived.get(t) != counts.get(t)
    }
    missing_keys = [k for k in manifest.get("field_key_ids", []) if k not in field_key_ids()]
    audit.record(
        Action.COMMAND,
        object_type_label="ops.restore",
        detail={
            "archive": str(path),
            "engine": kind,
            "created_at": manifest.get("created_at"),
            "rows": sum(counts.values()),
            "media_files": manifest.get("media_files"),
            "forced": force,
            "replaced": bool(before),
        },
    )
    return RestoreResult(manifest, counts, mismatches, state.pending, missing_keys, before)


def created_at(manifest: dict[str, Any]) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        return None
