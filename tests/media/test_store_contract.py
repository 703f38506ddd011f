"""One contract for every media store: the same tests on the local folder and on S3 over real HTTP.

The S3 store talks to moto's standalone server on loopback (tests/media/conftest.py), so requests,
paging, errors, ranges and dropped connections are real. The serving routes and the sweep run on
both stores too: a photo uploaded through the real route comes back to its owner, with the same
headers from either store, and to nobody else.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from portfolio import db
from portfolio.media import storage, sweep
from portfolio.media.changes import MediaChange, commit_or_clean_up
from portfolio.media.s3 import S3MediaStore
from portfolio.media.storage import LocalMediaStore, MediaStore, StoredObject, media_store, store_from_config
from portfolio.models import Experience, MediaFile
from tests.conftest import csrf_token, sign_in_as
from tests.factories import Entries, World
from tests.media_fixtures import fixture_bytes

HOUR = 3600.0
PREFIX = "trust-a/media"

HOSTILE_BUT_VALID_KEYS = [
    "photos/1/a b+c%20d.jpg",
    "photos/1/question?hash#amp&eq=.jpg",
    "photos/1/ünïcødé-📷.jpg",
    "photos/1/'quote\"<tag>.jpg",
    "photos/1/-leading-dash.jpg",
    "photos/1/.hidden.jpg",
    "photos/1/..two-dots-then-text.jpg",
    "photos/1/semi;colon,comma.jpg",
    "photos/1/~tilde$dollar@at!.jpg",
    "photos/1/*star[brackets]{braces}.jpg",
    "photos/1/" + "x" * 200 + ".jpg",
    "voice/2/deep/er/still/clip.m4a",
]

ESCAPING_KEYS = [
    "", "/etc/passwd", "../outside.jpg", "photos/../../outside.jpg", "photos/..", "..", "photos\\..\\outside.jpg",
    "photos\\a.jpg", "photos//a.jpg", "photos/", "/photos/a.jpg", "./photos/a.jpg", "photos/./a.jpg",
    "photos/a\x00.jpg",
]


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    if request.param == "local":
        return LocalMediaStore(tmp_path / "media")
    bucket = request.getfixturevalue("s3_bucket")
    return S3MediaStore(bucket, PREFIX, endpoint_url=request.getfixturevalue("s3_endpoint"))


def _keys(store: MediaStore) -> list[str]:
    return sorted(item.key for item in store.listing())


# The contract -------------------------------------------------------------------------------------

def test_every_store_is_a_media_store(store: MediaStore) -> None:
    assert isinstance(store, MediaStore)


def test_save_read_exists_delete(store: MediaStore) -> None:
    key = "photos/3/abc.jpg"
    assert not store.exists(key)
    store.save(key, b"first")
    assert store.exists(key) and store.read(key) == b"first"
    store.save(key, b"second, longer")
    assert store.read(key) == b"second, longer"
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # already gone is fine, so clean-up can be retried
    assert _keys(store) == []


def test_nothing_stored_is_file_not_found(store: MediaStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.read("photos/none.jpg")
    with pytest.raises(FileNotFoundError):
        store.open("photos/none.jpg")


@pytest.mark.parametrize("key", ESCAPING_KEYS)
def test_keys_that_could_escape_are_refused_by_every_method(store: MediaStore, key: str) -> None:
    for action in (lambda: store.save(key, b"x"), lambda: store.read(key), lambda: store.path(key),
                   lambda: store.delete(key), lambda: store.exists(key), lambda: store.open(key)):
        with pytest.raises(ValueError):
            action()
    assert _keys(store) == []


def test_hostile_but_valid_names_round_trip_and_are_listed_as_written(store: MediaStore) -> None:
    for number, key in enumerate(HOSTILE_BUT_VALID_KEYS):
        store.save(key, f"content {number}".encode())
    assert _keys(store) == sorted(HOSTILE_BUT_VALID_KEYS)
    for number, key in enumerate(HOSTILE_BUT_VALID_KEYS):
        assert store.exists(key) and store.read(key) == f"content {number}".encode()
    for key in HOSTILE_BUT_VALID_KEYS:
        store.delete(key)
    assert _keys(store) == []


def test_listing_gives_each_object_its_size_and_time(store: MediaStore) -> None:
    before = time.time()
    store.save("photos/1/a.jpg", b"a" * 10)
    store.save("voice/1/b.m4a", b"b" * 2345)
    after = time.time()
    listed = {item.key: item for item in store.listing()}
    assert sorted(listed) == ["photos/1/a.jpg", "voice/1/b.m4a"]
    assert (listed["photos/1/a.jpg"].size, listed["voice/1/b.m4a"].size) == (10, 2345)
    for item in listed.values():
        assert isinstance(item, StoredObject)
        assert before - 2 <= item.modified <= after + 2  # S3 keeps whole seconds


def test_open_streams_with_length_validator_and_seeking(store: MediaStore) -> None:
    data = bytes(range(256)) * 40
    store.save("voice/1/clip.m4a", data)
    opened = store.open("voice/1/clip.m4a")
    with opened.stream:
        assert opened.size == len(data) and isinstance(opened.modified, datetime) and opened.etag
        assert opened.stream.read(100) == data[:100]
        opened.stream.seek(5000)
        assert opened.stream.read() == data[5000:]
        opened.stream.seek(-10, io.SEEK_END)
        assert opened.stream.read() == data[-10:]
    first_etag = opened.etag
    store.save("voice/1/clip.m4a", data[::-1])
    changed = store.open("voice/1/clip.m4a")
    changed.stream.close()
    assert changed.etag != first_etag


def test_a_large_file_is_stored_whole(store: MediaStore) -> None:
    data = os.urandom(24 * 1024 * 1024)  # above boto3's 8 MB multipart threshold: still one PUT
    store.save("reviews/1/pack.pdf", data)
    assert store.read("reviews/1/pack.pdf") == data
    opened = store.open("reviews/1/pack.pdf")
    with opened.stream:
        chunks = iter(lambda: opened.stream.read(1024 * 1024), b"")
        assert b"".join(chunks) == data
    assert [(item.key, item.size) for item in store.listing()] == [("reviews/1/pack.pdf", len(data))]


class _CutStream(io.RawIOBase):
    """A request body whose connection drops half way through."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body, self.sent = body, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.sent >= len(self.body) // 2:
            raise ConnectionResetError("the network went away")
        chunk = self.body[self.sent:self.sent + min(len(buffer), 64 * 1024)]
        buffer[:len(chunk)] = chunk
        self.sent += len(chunk)
        return len(chunk)


@contextmanager
def writes_cut_short(store: MediaStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every write fails part way: the disk fills up, or the connection to S3 drops mid-upload."""
    if isinstance(store, LocalMediaStore):
        def disk_full(fd: int) -> None:
            raise OSError(28, "No space left on device")

        with monkeypatch.context() as patch:
            patch.setattr(os, "fsync", disk_full)
            yield
        return
    assert isinstance(store, S3MediaStore)

    def cut(request: Any, **_: Any) -> None:
        body = request.body if isinstance(request.body, bytes) else request.body.read()
        request.body = _CutStream(body)

    events = store.client.meta.events
    events.register("before-send.s3.PutObject", cut)
    try:
        yield
    finally:
        events.unregister("before-send.s3.PutObject", cut)


def test_a_write_cut_short_keeps_the_old_file_and_leaves_nothing_else(store: MediaStore,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store.save("voice/2/clip.m4a", b"old recording")
    with writes_cut_short(store, monkeypatch):
        with pytest.raises(OSError):
            store.save("voice/2/clip.m4a", os.urandom(2 * 1024 * 1024))
        with pytest.raises(OSError):
            store.save("photos/1/new.jpg", os.urandom(2 * 1024 * 1024))
    assert store.read("voice/2/clip.m4a") == b"old recording"
    assert not store.exists("photos/1/new.jpg")
    assert _keys(store) == ["voice/2/clip.m4a"]


def test_readers_see_the_old_file_or_the_new_one_never_a_mixture(store: MediaStore) -> None:
    old, new = b"A" * (1024 * 1024), b"B" * (1024 * 1024 + 7)
    store.save("photos/1/swap.jpg", old)
    seen: list[bytes] = []
    stop = threading.Event()

    def keep_reading() -> None:
        while not stop.is_set():
            seen.append(store.read("photos/1/swap.jpg"))

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        for turn in range(12):
            store.save("photos/1/swap.jpg", new if turn % 2 == 0 else old)
    finally:
        stop.set()
        reader.join(timeout=30)
    assert seen and all(copy in (old, new) for copy in seen)
    assert _keys(store) == ["photos/1/swap.jpg"]


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    """A row with a unique key, so a commit can fail the way one can in the app."""

    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(unique=True)


def _database_with(key: str) -> Session:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    dbs = Session(engine)
    dbs.add(_Row(key=key))
    dbs.commit()
    return dbs


def test_a_failed_commit_removes_what_it_wrote_and_keeps_what_it_replaced(store: MediaStore) -> None:
    dbs = _database_with("taken")
    store.save("photos/1/old.jpg", b"old")
    store.save("photos/1/new.jpg", b"new")
    dbs.add(_Row(key="taken"))  # flushed, and refused, at the commit
    with pytest.raises(IntegrityError):
        commit_or_clean_up(dbs, store, MediaChange(written=["photos/1/new.jpg"], replaced=["photos/1/old.jpg"]))
    assert _keys(store) == ["photos/1/old.jpg"]

    store.save("photos/1/newer.jpg", b"newer")
    dbs.add(_Row(key="free"))
    commit_or_clean_up(dbs, store, MediaChange(written=["photos/1/newer.jpg"], replaced=["photos/1/old.jpg"]))
    assert _keys(store) == ["photos/1/newer.jpg"]
    assert dbs.scalars(select(_Row.key).order_by(_Row.key)).all() == ["free", "taken"]


def test_the_sweep_removes_old_files_with_no_row_and_reports_missing_ones(store: MediaStore) -> None:
    for key in ("photos/1/kept.jpg", "photos/1/old-orphan.jpg", "imports/1/waiting.csv"):
        store.save(key, b"x")
    time.sleep(2.2)  # S3 times are whole seconds: leave a clear gap between the old files and the new
    written_new = time.time()
    store.save("photos/1/new-orphan.jpg", b"x")
    now = written_new + HOUR - 1.5  # the first three are over an hour old, the last is not
    referenced = {"photos/1/kept.jpg", "photos/1/gone.jpg"}

    report = sweep.sweep(store, lambda: referenced, now=now, apply=True)

    assert report.files == 4
    assert report.orphans == ["photos/1/old-orphan.jpg"]
    assert sorted(report.young_orphans) == ["imports/1/waiting.csv", "photos/1/new-orphan.jpg"]
    assert report.missing == ["photos/1/gone.jpg"] and report.removed == 1
    assert _keys(store) == ["imports/1/waiting.csv", "photos/1/kept.jpg", "photos/1/new-orphan.jpg"]


# S3 only: the prefix, the settings ---------------------------------------------------------------

def test_objects_outside_the_prefix_are_never_listed_or_swept(s3_bucket: str, s3_endpoint: str) -> None:
    store = S3MediaStore(s3_bucket, PREFIX, endpoint_url=s3_endpoint)
    neighbour = S3MediaStore(s3_bucket, "trust-b/media", endpoint_url=s3_endpoint)
    neighbour.save("photos/1/theirs.jpg", b"theirs")
    store.client.put_object(Bucket=s3_bucket, Key=f"{PREFIX}/photos//made-by-hand.jpg", Body=b"?")
    store.save("photos/1/ours.jpg", b"ours")

    assert _keys(store) == ["photos/1/ours.jpg"]
    report = sweep.sweep(store, set, now=time.time() + 2 * HOUR, apply=True)
    assert report.orphans == ["photos/1/ours.jpg"]
    assert neighbour.read("photos/1/theirs.jpg") == b"theirs"
    objects = store.client.list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert sorted(item["Key"] for item in objects) == [f"{PREFIX}/photos//made-by-hand.jpg",
                                                        "trust-b/media/photos/1/theirs.jpg"]


def test_every_upload_is_one_put_that_carries_its_md5(s3_bucket: str, s3_endpoint: str) -> None:
    """One request, so the object appears whole or not at all (no multipart parts left behind), and the
    MD5 lets AWS, MinIO and Ceph refuse a body damaged on the way."""
    store = S3MediaStore(s3_bucket, PREFIX, endpoint_url=s3_endpoint)
    sent: list[tuple[str, str, str | None]] = []

    def note(request: Any, **_: Any) -> None:
        md5 = request.headers.get("Content-MD5")
        sent.append((request.method, request.url, md5.decode() if isinstance(md5, bytes) else md5))

    store.client.meta.events.register("before-send.s3", note)
    data = os.urandom(20 * 1024 * 1024)
    store.save("reviews/1/pack.pdf", data)
    assert sent == [("PUT", f"{s3_endpoint}/{s3_bucket}/{PREFIX}/reviews/1/pack.pdf",
                     base64.b64encode(hashlib.md5(data).digest()).decode())]


@pytest.mark.parametrize(("setting", "bucket", "prefix"), [
    ("s3://media", "media", ""), ("s3://media/", "media", ""), ("s3://media/trust-a/media/", "media", "trust-a/media"),
])
def test_media_store_setting_names_bucket_and_prefix(setting: str, bucket: str, prefix: str) -> None:
    store = store_from_config({"MEDIA_STORE": setting, "S3_ENDPOINT_URL": "http://127.0.0.1:1"}, "/unused")
    assert isinstance(store, S3MediaStore)
    assert (store.bucket, store.prefix, store.endpoint_url) == (bucket, prefix, "http://127.0.0.1:1")


@pytest.mark.parametrize("setting", ["s3://", "ftp://media/x", "media/x", "s3://media/../x", "s3://media/a?b=c"])
def test_a_media_store_setting_that_is_not_understood_stops_the_start(setting: str) -> None:
    with pytest.raises(ValueError):
        store_from_config({"MEDIA_STORE": setting}, "/unused")


def test_no_setting_keeps_the_instance_folder(tmp_path: Path) -> None:
    store = store_from_config({"MEDIA_STORE": "", "MEDIA_ROOT": None}, str(tmp_path))
    assert isinstance(store, LocalMediaStore) and store.root == tmp_path / "media"


def test_the_standard_endpoint_variable_is_enough(s3_bucket: str, s3_endpoint: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    store = store_from_config({"MEDIA_STORE": f"s3://{s3_bucket}/{PREFIX}"}, "/unused")
    store.save("photos/1/a.jpg", b"through AWS_ENDPOINT_URL")
    reference = S3MediaStore(s3_bucket, PREFIX, endpoint_url=s3_endpoint)
    assert reference.read("photos/1/a.jpg") == b"through AWS_ENDPOINT_URL"


def test_an_unreachable_store_fails_as_an_os_error(s3_credentials: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with socket_that_refuses() as endpoint:
        store = S3MediaStore("media", PREFIX, endpoint_url=endpoint)
        for action in (lambda: store.save("photos/1/a.jpg", b"x"), lambda: store.read("photos/1/a.jpg"),
                       lambda: store.exists("photos/1/a.jpg"), lambda: store.delete("photos/1/a.jpg"),
                       lambda: list(store.listing())):
            with pytest.raises(OSError) as raised:
                action()
            assert not isinstance(raised.value, FileNotFoundError)


@contextmanager
def socket_that_refuses() -> Iterator[str]:
    """A loopback address where nothing listens (held, so no other test can take the port meanwhile)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


# The app on either store: serving, uploads, the sweep command --------------------------------------

@pytest.fixture(params=["local", "s3"])
def app(app: Flask, request: pytest.FixtureRequest) -> Flask:
    """The usual test app, on the local folder or, with ``MEDIA_STORE=s3://…``, on the S3 server."""
    if request.param == "s3":
        bucket = request.getfixturevalue("s3_bucket")
        app.config.update(MEDIA_STORE=f"s3://{bucket}/{PREFIX}", S3_ENDPOINT_URL=request.getfixturevalue("s3_endpoint"))
        storage.init_app(app)
        with app.app_context():
            assert isinstance(media_store(), S3MediaStore)
    return app


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 90)).save(out, "PNG")
    return out.getvalue()


def _upload_photo(app: Flask, world: World, entry_id: int) -> tuple[int, str]:
    client = app.test_client()
    sign_in_as(client, world.ta)
    token = csrf_token(client, f"/experiences/{entry_id}/steps/photos")
    answer = client.post(f"/experiences/{entry_id}/photos", content_type="multipart/form-data",
                         data={"photo": (io.BytesIO(_png()), "placement.png"), "csrf_token": token})
    assert answer.status_code in (200, 303, 302), answer.get_data(as_text=True)[:500]
    with app.app_context():
        photo = db.session().get(Experience, entry_id).photos[-1]
        return photo.id, photo.thumb.key


def test_a_photo_uploaded_through_the_route_comes_back_to_its_owner_only(app: Flask, world: World,
                                                                         entries: Entries) -> None:
    photo_id, thumb_key = _upload_photo(app, world, entries.draft.id)
    with app.app_context():
        stored = media_store().read(thumb_key)
    url = f"/experiences/{entries.draft.id}/photos/{photo_id}/thumb"

    owner = app.test_client()
    sign_in_as(owner, world.learner)
    answer = owner.get(url)
    assert answer.status_code == 200 and answer.data == stored
    assert Image.open(io.BytesIO(answer.data)).format == "JPEG"
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert answer.headers["Cache-Control"] == "private, max-age=86400, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert answer.headers["Content-Disposition"] == "inline"
    assert answer.headers["Content-Length"] == str(len(stored))
    assert answer.headers["ETag"] and answer.headers["Last-Modified"]

    for someone in (world.other_learner, world.other_school_admin, world.other_ta):
        stranger = app.test_client()
        sign_in_as(stranger, someone)
        refused = stranger.get(url)
        assert refused.status_code in (403, 404) and stored not in refused.data
    assert app.test_client().get(url).status_code in (302, 401, 403)


def test_a_recording_answers_ranges_and_revalidation_from_either_store(app: Flask, world: World,
                                                                       entries: Entries) -> None:
    with app.app_context():
        voice = db.session().get(Experience, entries.shared.id).voice
        recording = media_store().read(voice.key)
    owner = app.test_client()
    sign_in_as(owner, world.learner)
    url = f"/experiences/{entries.shared.id}/voice"

    whole = owner.get(url)
    assert whole.status_code == 200 and whole.data == recording and whole.headers["Accept-Ranges"] == "bytes"
    part = owner.get(url, headers={"Range": "bytes=100-1123"})
    assert part.status_code == 206 and part.data == recording[100:1124]
    assert part.headers["Content-Range"] == f"bytes 100-1123/{len(recording)}"
    assert part.headers["Cache-Control"] == "private, max-age=86400, immutable"
    tail = owner.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == recording[-50:]
    assert owner.get(url, headers={"Range": f"bytes={len(recording) + 10}-"}).status_code == 416
    unchanged = owner.get(url, headers={"If-None-Match": whole.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""


def test_a_file_missing_from_the_store_is_not_found(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        media_store().delete(db.session().get(Experience, entries.shared.id).voice.key)
    owner = app.test_client()
    sign_in_as(owner, world.learner)
    assert owner.get(f"/experiences/{entries.shared.id}/voice").status_code == 404


def test_a_refused_upload_leaves_the_store_as_it_was(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        before = _keys(media_store())
    client = app.test_client()
    sign_in_as(client, world.ta)
    token = csrf_token(client, f"/experiences/{entries.draft.id}/steps/photos")
    answer = client.post(f"/experiences/{entries.draft.id}/photos", content_type="multipart/form-data",
                         data={"photo": (io.BytesIO(fixture_bytes("truncated.jpg")), "cut.jpg"), "csrf_token": token})
    assert answer.status_code in (200, 400)
    with app.app_context():
        assert _keys(media_store()) == before
        assert set(before) == set(db.session().scalars(select(MediaFile.key)))


def test_the_sweep_command_works_on_either_store(app: Flask, entries: Entries, runner: Any) -> None:
    with app.app_context():
        media_store().save("photos/1/left-by-a-killed-worker.jpg", b"x")
        rows = len(db.session().scalars(select(MediaFile.key)).all())
    result = runner.invoke(args=["media", "sweep", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"Files in the store: {rows + 1}" in result.output
    assert "Files with no row, too new to touch: 1" in result.output
    assert "Rows whose file is missing: 0" in result.output and "Nothing was removed" in result.output
