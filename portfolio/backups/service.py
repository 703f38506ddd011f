"""Taking a backup of the SQLite database and the media store, and bringing one back.

The database is copied with SQLite's online backup API, never by copying the file: in WAL mode the
newest commits live in the ``-wal`` file, and a plain copy taken during writes misses them. The backup
API copies one consistent snapshot (all pages in one step, so writers are never blocked and never
make it start again), which is then switched out of WAL mode so the copy is one self-contained file.

The database is copied first and the media store second. A file is written before its row is
committed, so every row in the snapshot already has its file; a file deleted in between (its row
was removed after the snapshot) is named under ``missing_media`` in the manifest.

The instance's generated ``secret_key`` is included when the app signs with it (not when
``SECRET_KEY`` comes from the environment): without it, every QR code printed on a review pack
stops playing and everyone is signed out. So a backup folder is as secret as the key, and is
written readable by its owner only.

``manifest.json`` is written last, so a backup without one is unfinished. It holds the SHA-256 of
every file; restore refuses if any file is missing or differs.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from portfolio.errors import KindError
from portfolio.media.storage import LocalMediaStore
from portfolio.media.sweep import is_temporary, stored_files

FORMAT = "my-next-steps-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
MEDIA = "media"
SECRET = "secret_key"


@dataclass
class BackupResult:
    folder: Path
    rows: dict[str, int]
    files: int
    missing_media: list[str] = field(default_factory=list)
    secret_key: bool = False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table, for the manifest and the restore check."""
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _copy_database(source: Path, target: Path) -> dict[str, int]:
    """One consistent snapshot through the online backup API, checked, as a single file."""
    if not source.exists():
        raise KindError(f"There is no database at {source} to back up.")
    with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(target)) as copy:
        live.execute("PRAGMA busy_timeout = 30000")
        live.backup(copy)  # pages=-1 by default: the whole database in one step
        copy.execute("PRAGMA journal_mode = DELETE")
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise KindError("The copy of the database failed its integrity check. Nothing was kept; try again.")
        return table_counts(copy)


def _media_keys(database: Path) -> set[str]:
    with closing(sqlite3.connect(database)) as connection:
        return {row[0] for row in connection.execute("SELECT key FROM media_files")}


def _copy_media(store: LocalMediaStore, folder: Path, files: dict[str, str]) -> None:
    for item in stored_files(store.root):
        if is_temporary(item.key):
            continue
        try:
            data = item.path.read_bytes()
        except FileNotFoundError:  # deleted while we copied: its row went before the snapshot
            continue
        name = f"{MEDIA}/{item.key}"
        _write_private(folder / name, data)
        files[name] = hashlib.sha256(data).hexdigest()


def _empty_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise KindError(f"{folder} is not empty. Give a new folder for the backup, so no older backup is mixed in.")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)


def backup(database: Path, store: LocalMediaStore, folder: Path, secret_file: Path | None = None) -> BackupResult:
    """Back up into a new, empty ``folder``: the database, the media store, the secret key, a manifest."""
    _empty_folder(folder)
    rows = _copy_database(database, folder / DATABASE)
    os.chmod(folder / DATABASE, 0o600)
    files = {DATABASE: sha256_of(folder / DATABASE)}
    _copy_media(store, folder, files)
    if secret_file is not None and secret_file.exists():
        _write_private(folder / SECRET, secret_file.read_bytes())
        files[SECRET] = sha256_of(folder / SECRET)
    missing = sorted(key for key in _media_keys(folder / DATABASE) if f"{MEDIA}/{key}" not in files)
    manifest = {"format": FORMAT, "version": VERSION, "made_at": datetime.now(UTC).isoformat(),
                "rows": rows, "missing_media": missing, "files": dict(sorted(files.items()))}
    _write_private(folder / MANIFEST, json.dumps(manifest, indent=1).encode())
    media_count = sum(1 for name in files if name.startswith(f"{MEDIA}/"))
    return BackupResult(folder, rows, media_count, missing, SECRET in files)


# Restoring ------------------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    rows: dict[str, int]
    files: int
    secret_key: bool


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and "\\" not in name and all(p not in ("", ".", "..") for p in parts)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, once every file it names is there with the same SHA-256; refused kindly otherwise."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise KindError(f"{folder} has no readable {MANIFEST}, so it is not a finished backup.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise KindError(f"{folder / MANIFEST} is not the manifest of a My Next Steps backup.")
    if DATABASE not in manifest["files"]:
        raise KindError("The backup's manifest names no database.")
    wrong, missing = [], []
    for name, expected in manifest["files"].items():
        path = folder / name
        if not _safe_name(name):
            wrong.append(name)
        elif not path.is_file():
            missing.append(name)
        elif sha256_of(path) != expected:
            wrong.append(name)
    if wrong or missing:
        raise KindError(f"The backup is damaged, so nothing was restored: {len(missing)} files are missing and "
                        f"{len(wrong)} do not match the manifest (first: {(missing + wrong)[0]}).")
    return manifest


def instance_is_empty(database: Path, store: LocalMediaStore) -> bool:
    """No schools or people in the database, and no files in the media store."""
    if any(not is_temporary(item.key) for item in stored_files(store.root)):
        return False
    if not database.exists():
        return True
    with closing(sqlite3.connect(database)) as connection:
        for table in ("schools", "users", "media_files"):
            try:
                if connection.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                    return False
            except sqlite3.OperationalError:  # no such table: never migrated
                continue
    return True


def restore(folder: Path, database: Path, store: LocalMediaStore, secret_file: Path | None) -> RestoreResult:
    """Bring a checked backup into an empty instance. The caller disposes of its engine's pooled
    connections first and migrates afterwards (a backup from an older version gains the new columns)."""
    manifest = read_manifest(folder)
    if not instance_is_empty(database, store):
        raise KindError("This instance already has data, so nothing was restored. Restore into a new, empty "
                        "instance folder (or an empty database and media store).")
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(folder / DATABASE)) as saved, closing(sqlite3.connect(database)) as live:
        saved.backup(live)
        live.execute("PRAGMA journal_mode = WAL")
        if live.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise KindError("The restored database failed its integrity check.")
        rows = table_counts(live)
    media = [name for name in manifest["files"] if name.startswith(f"{MEDIA}/")]
    for name in media:
        store.save(name[len(MEDIA) + 1:], (folder / name).read_bytes())
    has_secret = SECRET in manifest["files"] and secret_file is not None
    if has_secret:
        assert secret_file is not None
        temporary = secret_file.with_name(f".{secret_file.name}.restoring")
        temporary.unlink(missing_ok=True)
        _write_private(temporary, (folder / SECRET).read_bytes())
        os.replace(temporary, secret_file)
    return RestoreResult(rows, len(media), has_secret)
