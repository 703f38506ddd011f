"""Tests for portfolio.storage: atomic writes and keys that cannot leave the media folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Flask

from portfolio.media import storage
from portfolio.media.storage import LocalMediaStore, MediaStore, init_app, media_store, new_key


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


def _all_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_local_store_is_a_media_store(store: LocalMediaStore) -> None:
    assert isinstance(store, MediaStore)


def test_save_read_exists_delete(store: LocalMediaStore) -> None:
    key = "photos/3/abc.jpg"
    assert not store.exists(key)

    store.save(key, b"first")

    assert store.exists(key)
    assert store.read(key) == b"first"
    assert store.path(key) == store.root / "photos" / "3" / "abc.jpg"
    assert store.path(key).read_bytes() == b"first"

    store.save(key, b"second")
    assert store.read(key) == b"second"

    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # already gone is fine, so clean-up can be retried


def test_read_missing_key_raises_file_not_found(store: LocalMediaStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.read("photos/none.jpg")


def test_save_leaves_no_temporary_files(store: LocalMediaStore) -> None:
    for number in range(5):
        store.save(f"photos/1/{number}.jpg", b"x" * 1000)

    assert [path.name for path in _all_files(store.root)] == [f"{n}.jpg" for n in range(5)]


def test_failed_save_keeps_old_file_and_leaves_no_temporary_file(
    store: LocalMediaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "voice/2/clip.m4a"
    store.save(key, b"old recording")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        store.save(key, b"new recording that never finishes")
    monkeypatch.undo()

    assert store.read(key) == b"old recording"
    assert _all_files(store.root) == [store.root / "voice" / "2" / "clip.m4a"]


def test_failed_first_save_stores_nothing(store: LocalMediaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_replace(source: str, target: str) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save("photos/1/a.jpg", b"data")
    monkeypatch.undo()

    assert not store.exists("photos/1/a.jpg")
    assert _all_files(store.root) == []


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../outside.jpg",
        "photos/../../outside.jpg",
        "photos/..",
        "..",
        "photos\\..\\outside.jpg",
        "photos\\a.jpg",
        "photos//a.jpg",
        "photos/",
        "/photos/a.jpg",
        "./photos/a.jpg",
        "photos/./a.jpg",
        "photos/a\x00.jpg",
    ],
)
def test_keys_that_could_escape_the_root_are_refused(store: LocalMediaStore, key: str) -> None:
    for action in (
        lambda: store.save(key, b"x"),
        lambda: store.read(key),
        lambda: store.path(key),
        lambda: store.delete(key),
        lambda: store.exists(key),
    ):
        with pytest.raises(ValueError):
            action()
    assert not store.root.exists() or _all_files(store.root) == []


def test_new_key_is_fresh_and_valid(store: LocalMediaStore) -> None:
    first = new_key("photos/7", "jpg")
    second = new_key("photos/7", "jpg")

    assert re.fullmatch(r"photos/7/[0-9a-f]{32}\.jpg", first)
    assert first != second
    store.save(first, b"ok")
    assert store.exists(first)


def test_init_app_defaults_to_instance_folder(tmp_path: Path) -> None:
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    init_app(app)

    with app.app_context():
        current = media_store()
        assert isinstance(current, LocalMediaStore)
        assert current.root == tmp_path / "instance" / "media"
        current.save("photos/1/a.jpg", b"x")
    assert (tmp_path / "instance" / "media" / "photos" / "1" / "a.jpg").read_bytes() == b"x"


def test_init_app_uses_media_root_setting(tmp_path: Path) -> None:
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    app.config["MEDIA_ROOT"] = str(tmp_path / "elsewhere")
    init_app(app)

    assert app.extensions[storage.EXTENSION_KEY].root == tmp_path / "elsewhere"
