"""Where learners' photos and voice recordings are kept.

Every piece of code that stores or serves media goes through ``MediaStore``.
Two stores stand behind it: ``LocalMediaStore`` (a folder, the default) and
``S3MediaStore`` (S3-compatible object storage, in ``media/s3.py``), chosen by
``MEDIA_STORE``. Keys are relative POSIX paths such as ``photos/3/ab12….jpg``;
they are checked strictly so that no key, however it was built, can reach a
file outside the media folder or the store's prefix in a bucket.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable
from uuid import uuid4

from flask import Flask, current_app

__all__ = ["LocalMediaStore", "MediaStore", "MediaStoreError", "OpenedMedia", "StoredObject", "checked_key",
           "init_app", "media_store", "new_key", "store_from_config"]

EXTENSION_KEY = "media_store"


@runtime_checkable
class MediaStore(Protocol):
    """The one interface the app uses for media bytes."""

    def save(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, all or nothing: a reader never sees half a file."""
        ...

    def read(self, key: str) -> bytes:
        """Return the bytes stored under ``key``; raises ``FileNotFoundError`` if there are none."""
        ...

    def path(self, key: str) -> Path | None:
        """A local file path for streaming with ``send_file``, or None when the store is not on disk."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; a key that is already gone is not an error, so clean-up can be retried."""
        ...

    def exists(self, key: str) -> bool:
        """Whether something is stored under ``key``."""
        ...

    def open(self, key: str) -> OpenedMedia:
        """A stream of the bytes under ``key`` with what a conditional or ranged answer needs.

        Raises ``FileNotFoundError`` if there is nothing under ``key``; the caller closes the stream.
        """
        ...

    def listing(self) -> Iterator[StoredObject]:
        """Every object in the store, with when it was written (the sweep's view of the store).

        A store that writes through temporary files lists those too, so a write cut short can be found.
        """
        ...


class MediaStoreError(OSError):
    """The store could not be reached or refused a request. An ``OSError``, as a full disk would be,
    so code that tidies up after a failed commit logs it and carries on, whichever store is in use."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified: float  # seconds since the epoch
    size: int


@dataclass
class OpenedMedia:
    """An open stream with its length, change time and a validator for ``ETag``."""

    stream: BinaryIO
    size: int
    modified: datetime
    etag: str


def checked_key(key: str) -> str:
    """``key`` itself, once it is known to be safe on every store."""
    _key_parts(key)
    return key


def _key_parts(key: str) -> list[str]:
    """Split a key into path parts, refusing anything that could point outside the store.

    The checks are on the text of the key alone, so they hold on every store,
    not only on a local disk.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("A media key must be a non-empty string.")
    if key.startswith("/") or "\\" in key or "\x00" in key:
        raise ValueError(f"Media key {key!r} must be a relative POSIX path.")
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"Media key {key!r} has an empty, '.' or '..' part.")
    return parts


class LocalMediaStore:
    """A ``MediaStore`` over a folder on the local disk."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalMediaStore({str(self.root)!r})"

    def _file(self, key: str) -> Path:
        return self.root.joinpath(*_key_parts(key))

    def save(self, key: str, data: bytes) -> None:
        """Write through a temporary file in the same folder, then rename over the target.

        ``os.replace`` within one folder is atomic, so a crash or a full disk
        leaves either the old file or the new one, never a torn file that
        would show as a broken photo.
        """
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp's owner-only permissions are kept on purpose: only the app
        # serves these files, and they are photos and voices of children.
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        _fsync_folder(target.parent)

    def read(self, key: str) -> bytes:
        return self._file(key).read_bytes()

    def path(self, key: str) -> Path | None:
        """The file's path; it may not exist yet, so callers check ``exists`` first."""
        return self._file(key)

    def delete(self, key: str) -> None:
        self._file(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._file(key).is_file()

    def open(self, key: str) -> OpenedMedia:
        handle = self._file(key).open("rb")
        stat = os.fstat(handle.fileno())
        return OpenedMedia(handle, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC),
                           f"{stat.st_mtime_ns:x}-{stat.st_size:x}")

    def listing(self) -> Iterator[StoredObject]:
        """Every file under the folder, unfinished ``.tmp`` files included."""
        if not self.root.is_dir():
            return
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name)
                try:
                    stat = path.stat()
                except FileNotFoundError:  # removed while we looked
                    continue
                yield StoredObject(path.relative_to(self.root).as_posix(), stat.st_mtime, stat.st_size)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut, not only the file's contents."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_key(folder: str, extension: str) -> str:
    """A fresh, unguessable key, so one learner's file can never overwrite another's."""
    return f"{folder}/{uuid4().hex}.{extension}"


def store_from_config(config: Mapping[str, Any], instance_path: str) -> MediaStore:
    """The store the settings name: ``MEDIA_STORE=s3://bucket/prefix`` for object storage, otherwise
    the folder ``MEDIA_ROOT`` (by default ``media/`` in the instance folder)."""
    location = (config.get("MEDIA_STORE") or "").strip()
    if not location:
        return LocalMediaStore(config.get("MEDIA_ROOT") or Path(instance_path) / "media")
    if location.startswith("s3://"):
        # boto3 costs a third of a second to load, so an install on local files never loads it.
        from portfolio.media.s3 import S3MediaStore

        return S3MediaStore.from_url(location, endpoint_url=config.get("S3_ENDPOINT_URL") or None)
    raise ValueError(f"MEDIA_STORE={location!r} is not understood: give s3://bucket/prefix, "
                     "or leave it empty to keep media in the instance folder.")


def init_app(app: Flask) -> None:
    """Attach the app's media store (see ``store_from_config``)."""
    app.extensions[EXTENSION_KEY] = store_from_config(app.config, app.instance_path)


def media_store() -> MediaStore:
    """The current app's media store."""
    store: MediaStore = current_app.extensions[EXTENSION_KEY]
    return store
