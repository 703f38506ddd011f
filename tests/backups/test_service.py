"""Backups taken while the app writes restore into a new instance with every committed row and file."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask

from portfolio import create_app
from portfolio.backups import service as backups
from portfolio.errors import KindError
from portfolio.media.storage import LocalMediaStore
from portfolio.media.sweep import stored_files
from portfolio.models import FamilyComment
from tests.factories import FAST_HASH, Entries, World


class CommentWriter(threading.Thread):
    """Commits family comments one after another until told to stop, noting each id once committed."""

    def __init__(self, app: Flask, world: World, entries: Entries) -> None:
        super().__init__(daemon=True)
        self.app, self.world, self.entries = app, world, entries
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                session = self.app.extensions["db_sessionmaker"]()
                number = 0
                while not self.stop.is_set():
                    number += 1
                    comment = FamilyComment(school_id=self.world.school.id, experience_id=self.entries.shared.id,
                                            author_id=self.world.parent.id, text=f"Comment number {number}")
                    session.add(comment)
                    session.commit()
                    self.committed.append(comment.id)
                session.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


GROWING = ("family_comments", "audit_events", "notices")  # a comment from home raises notices for staff


def rows(database: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(database)) as connection:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}


def file_hashes(root: Path) -> dict[str, str]:
    return {item.key: hashlib.sha256(item.path.read_bytes()).hexdigest() for item in stored_files(root)}


def _new_instance(tmp_path: Path, name: str) -> Flask:
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / name), "SECRET_KEY": "test-secret",
                       "PASSWORD_HASH_METHOD": FAST_HASH, "SPEECH_ENABLED": False})


@pytest.mark.sqlite_only("flask backup copies the SQLite file through its online backup API; on PostgreSQL it is pg_dump")
def test_backup_during_writes_restores_every_committed_row_and_file(app: Flask, world: World, entries: Entries,
                                                                    tmp_path: Path) -> None:
    writer = CommentWriter(app, world, entries)
    writer.start()
    while len(writer.committed) < 50 and writer.is_alive():
        time.sleep(0.01)
    committed_before = list(writer.committed)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    committed_after = list(writer.committed)
    writer.stop.set()
    writer.join(30)
    assert writer.error is None and result.exit_code == 0, (writer.error, result.output)

    restored = _new_instance(tmp_path, "restored")
    answer = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert answer.exit_code == 0, answer.output
    source_db = Path(app.instance_path) / "portfolio.sqlite3"
    restored_db = Path(restored.instance_path) / "portfolio.sqlite3"
    with closing(sqlite3.connect(restored_db)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    source, copy = rows(source_db), rows(restored_db)
    ids = [row[0] for row in copy["family_comments"]]
    # Every comment committed before the backup began is there, and the copy is one moment in time:
    # the writer's comments it holds are exactly the first ones committed, with no gap.
    ours = set(ids) & set(writer.committed)
    assert set(committed_before) <= ours
    assert ours == set(writer.committed[:len(ours)])
    assert len(ours) <= len(committed_after)
    # Tables the writes touched (the comments and their audit events) hold the source's first rows,
    # unchanged; every other table is the same, row for row.
    for table in GROWING:
        kept = {row[0] for row in copy[table]}
        assert copy[table] == [row for row in source[table] if row[0] in kept]
        assert kept == {row[0] for row in source[table] if row[0] <= max(kept)}
    assert {k: v for k, v in copy.items() if k not in GROWING} == {k: v for k, v in source.items() if k not in GROWING}
    assert file_hashes(Path(restored.instance_path) / "media") == file_hashes(Path(app.instance_path) / "media")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["rows"]["family_comments"] == len(ids) and manifest["missing_media"] == []
    print(f"\ncomments committed before the backup: {len(committed_before)}, in the backup: {len(ids)}, "
          f"committed by the end: {len(writer.committed)}; tables {len(copy)}, files "
          f"{len(file_hashes(Path(restored.instance_path) / 'media'))}")


def _backed_up(app: Flask, tmp_path: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    return tmp_path / "backup"


@pytest.mark.sqlite_only("flask backup copies the SQLite file through its online backup API; on PostgreSQL it is pg_dump")
def test_restore_refuses_a_damaged_or_incomplete_backup(app: Flask, entries: Entries, tmp_path: Path) -> None:
    folder = _backed_up(app, tmp_path)
    photo = next(p for p in (folder / "media").rglob("*.jpg"))
    original = photo.read_bytes()
    photo.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    restored = _new_instance(tmp_path, "restored")
    damaged = restored.test_cli_runner().invoke(args=["restore", str(folder)])
    assert damaged.exit_code != 0 and "The backup is damaged" in damaged.output and "1 do not match" in damaged.output
    photo.unlink()
    missing = restored.test_cli_runner().invoke(args=["restore", str(folder)])
    assert "1 files are missing" in missing.output
    (folder / "manifest.json").unlink()
    unfinished = restored.test_cli_runner().invoke(args=["restore", str(folder)])
    assert "not a finished backup" in unfinished.output
    assert file_hashes(Path(restored.instance_path) / "media") == {}  # nothing was restored


@pytest.mark.sqlite_only("flask backup copies the SQLite file through its online backup API; on PostgreSQL it is pg_dump")
def test_restore_refuses_an_instance_with_data(app: Flask, entries: Entries, tmp_path: Path) -> None:
    folder = _backed_up(app, tmp_path)
    again = app.test_cli_runner().invoke(args=["restore", str(folder)])
    assert again.exit_code != 0 and "already has data" in again.output


@pytest.mark.sqlite_only("flask backup copies the SQLite file through its online backup API; on PostgreSQL it is pg_dump")
def test_backup_refuses_a_folder_that_is_not_empty(app: Flask, entries: Entries, tmp_path: Path) -> None:
    folder = _backed_up(app, tmp_path)
    second = app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert second.exit_code != 0 and "is not empty" in second.output


def test_the_generated_secret_key_travels_with_the_backup(tmp_path: Path) -> None:
    database = tmp_path / "source.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE media_files (id INTEGER PRIMARY KEY, key TEXT)")
        connection.commit()
    secret = tmp_path / "secret_key"
    secret.write_text("a" * 64)
    result = backups.backup(database, LocalMediaStore(tmp_path / "media"), tmp_path / "backup", secret)
    assert result.secret_key and (tmp_path / "backup" / "secret_key").stat().st_mode & 0o077 == 0
    target = tmp_path / "new" / "secret_key"
    target.parent.mkdir()
    target.write_text("b" * 64)  # the key a fresh instance made for itself on start-up
    restored = backups.restore(tmp_path / "backup", tmp_path / "new" / "db.sqlite3",
                               LocalMediaStore(tmp_path / "new" / "media"), target)
    assert restored.secret_key and target.read_text() == "a" * 64
    with pytest.raises(KindError, match="already has data"):
        (tmp_path / "new" / "media").mkdir()
        (tmp_path / "new" / "media" / "x.jpg").write_bytes(b"x")
        backups.restore(tmp_path / "backup", tmp_path / "new" / "db.sqlite3",
                        LocalMediaStore(tmp_path / "new" / "media"), target)


def test_on_postgresql_backup_and_restore_point_to_pg_dump(app: Flask, entries: Entries, tmp_path: Path,
                                                           postgres_run: object) -> None:
    """The commands copy a SQLite file; on PostgreSQL they refuse, naming the tools that do the job there,
    and write nothing. (On SQLite the same command makes a backup; the tests above check it.)"""
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    if postgres_run is None:
        assert result.exit_code == 0 and (tmp_path / "backup" / "manifest.json").exists()
        return
    assert result.exit_code != 0 and "pg_dump and pg_restore" in result.output
    assert not (tmp_path / "backup").exists() or not any((tmp_path / "backup").iterdir())
    restored = app.test_cli_runner().invoke(args=["restore", str(tmp_path)])
    assert restored.exit_code != 0 and "pg_dump and pg_restore" in restored.output
