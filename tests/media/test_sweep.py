"""The media store and the database never disagree: refused uploads leave nothing, and the sweep
cleans up after a worker killed between writing a file and committing its row."""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from flask import Flask
from PIL import Image
from sqlalchemy import select

from portfolio import db
from portfolio.media import storage, sweep
from portfolio.media.storage import LocalMediaStore, media_store
from portfolio.models import Experience, MediaFile
from tests.conftest import csrf_token, sign_in_as
from tests.factories import Entries, World

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT.parent / "shared" / "fixtures"
HOURS = 3600.0


def _png(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 255 - shade, 90)).save(out, "PNG")
    return out.getvalue()


def _disagreements(app: Flask) -> tuple[list[str], list[str], list[str]]:
    """Files with no row, unfinished .tmp files and rows with no file, whatever their age."""
    with app.app_context():
        store = media_store()
        assert isinstance(store, LocalMediaStore)
        report = sweep.sweep(store, lambda: sweep.referenced_keys(db.session()), min_age=0)
    return report.orphans, report.stray_temp, report.missing


def _age_everything(root: Path, seconds: float) -> None:
    then = time.time() - seconds
    for folder, _dirs, names in os.walk(root):
        for name in names:
            os.utime(Path(folder, name), (then, then))


def test_the_13th_and_14th_photos_are_refused_and_leave_no_file(app: Flask, world: World, entries: Entries) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    url = f"/experiences/{entries.draft.id}/photos"
    answers = []
    for shade in range(14):
        token = csrf_token(client, f"/experiences/{entries.draft.id}/steps/photos")
        answer = client.post(url, data={"photo": (io.BytesIO(_png(shade * 15)), f"p{shade}.png"), "csrf_token": token},
                             content_type="multipart/form-data")
        answers.append(answer.get_data(as_text=True))
    with app.app_context():
        assert len(db.session().get(Experience, entries.draft.id).photos) == 12
    assert ["up to 12 photos" in text for text in answers] == [False] * 12 + [True, True]
    assert _disagreements(app) == ([], [], [])


def test_the_sweep_removes_only_old_files_with_no_row(app: Flask, entries: Entries) -> None:
    with app.app_context():
        store = media_store()
        assert isinstance(store, LocalMediaStore)
        kept_key = db.session().scalars(select(MediaFile.key)).first()
        for key in ("photos/1/old-orphan.jpg", "photos/1/new-orphan.jpg", "imports/1/waiting.csv",
                    "imports/1/forgotten.csv"):
            store.save(key, b"x")
        for name in (".old.jpg.abc.tmp", ".new.jpg.def.tmp"):
            (store.root / "photos" / "1" / name).write_bytes(b"half")
        now = time.time()
        ages = {"photos/1/old-orphan.jpg": 2 * HOURS, "photos/1/.old.jpg.abc.tmp": 2 * HOURS,
                "imports/1/waiting.csv": 2 * HOURS, "imports/1/forgotten.csv": 25 * HOURS, kept_key: 5 * HOURS}
        for key, age in ages.items():
            os.utime(store.root / key, (now - age, now - age))
        report = sweep.sweep(store, lambda: sweep.referenced_keys(db.session()), now=now, apply=True)
        assert sorted(report.orphans) == ["imports/1/forgotten.csv", "photos/1/old-orphan.jpg"]
        assert report.stray_temp == ["photos/1/.old.jpg.abc.tmp"]
        assert sorted(report.young_orphans) == ["imports/1/waiting.csv", "photos/1/new-orphan.jpg"]
        assert report.removed == 3 and report.missing == []
        left = {item.key for item in sweep.stored_files(store.root)}
        assert {"photos/1/new-orphan.jpg", "photos/1/.new.jpg.def.tmp", "imports/1/waiting.csv", kept_key} <= left
        assert not {"photos/1/old-orphan.jpg", "photos/1/.old.jpg.abc.tmp", "imports/1/forgotten.csv"} & left


def test_a_row_whose_file_is_missing_is_reported_not_removed(app: Flask, entries: Entries, runner) -> None:
    with app.app_context():
        store = media_store()
        gone = db.session().scalars(select(MediaFile.key).order_by(MediaFile.id)).first()
        store.delete(gone)
    result = runner.invoke(args=["media", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Rows whose file is missing: 1" in result.output and f"missing: {gone}" in result.output
    with app.app_context():
        assert db.session().scalar(select(MediaFile.id).where(MediaFile.key == gone)) is not None


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys, tempfile
    from portfolio import create_app, db
    from portfolio.experiences import service as experiences
    from portfolio.media.photos import ingest_photo
    from portfolio.media.storage import media_store
    from portfolio.models import Experience

    app = create_app({"INSTANCE_PATH": sys.argv[1], "SECRET_KEY": "test-secret", "SPEECH_ENABLED": False})
    with app.app_context():
        dbs, store = db.session(), media_store()
        entry = dbs.get(Experience, int(sys.argv[2]))
        stored = ingest_photo(open(sys.argv[3], "rb").read(), store, f"photos/{entry.school_id}")
        experiences.add_photo(dbs, entry, stored)
        dbs.flush()  # the rows are written but not committed
        folder = store.root / "photos" / str(entry.school_id)
        handle, _ = tempfile.mkstemp(dir=folder, prefix=".cut.jpg.", suffix=".tmp")  # a save cut short
        os.write(handle, b"half a photo")
        print("written", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_worker_killed_before_its_commit_leaves_nothing_after_the_sweep(app: Flask, entries: Entries,
                                                                          runner) -> None:
    photos_before = _photo_count(app, entries.draft.id)
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, app.instance_path, str(entries.draft.id),
                             str(FIXTURES / "photo_sideways_gps.jpg")], check=False, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL and "written" in killed.stdout, killed.stderr[-2000:]
    orphans, temp, missing = _disagreements(app)
    assert (len(orphans), len(temp), missing) == (2, 1, [])  # display + thumbnail JPEGs, and the .tmp
    swept_too_soon = runner.invoke(args=["media", "sweep"])
    assert "Removed: 0" in swept_too_soon.output  # younger than an hour: perhaps a request still running
    with app.app_context():
        _age_everything(media_store().root, 2 * HOURS)  # type: ignore[attr-defined]
    swept = runner.invoke(args=["media", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert "Removed: 3" in swept.output and "Rows whose file is missing: 0" in swept.output
    assert _disagreements(app) == ([], [], [])
    assert _photo_count(app, entries.draft.id) == photos_before


def _photo_count(app: Flask, entry_id: int) -> int:
    with app.app_context():
        session = db.session()
        session.expire_all()
        return len(session.get(Experience, entry_id).photos)


def test_the_sweep_command_says_so_when_the_object_store_cannot_be_reached(app: Flask, runner, s3_credentials: None,
                                                                           monkeypatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with socket.socket() as nobody_listens:
        nobody_listens.bind(("127.0.0.1", 0))
        app.config.update(MEDIA_STORE="s3://media/trust-a",
                          S3_ENDPOINT_URL=f"http://127.0.0.1:{nobody_listens.getsockname()[1]}")
        storage.init_app(app)
        result = runner.invoke(args=["media", "sweep"])
    assert result.exit_code == 1
    assert "The media store could not be reached, so nothing was removed" in result.output
