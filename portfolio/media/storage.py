"""Where learners' photos and voice recordings are kept.

Every piece of code that stores or serves media goes through ``MediaStore``,
so moving from the instance folder to an object store later means writing one
new class, not hunting for ``open()`` calls. Keys are relative POSIX paths
such as ``photos/3/ab12….jpg``; they are checked strictly so that no key,
however it was built, can reach a file outside the media folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable
from uuid import uuid4

from flask import Flask, current_app

__all__ = ["LocalMediaStore", "MediaStore", "init_app", "media_store", "new_key"]

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


def init_app(app: Flask) -> None:
    """Attach the app's media store; ``MEDIA_ROOT`` overrides the instance folder default."""
    root = app.config.get("MEDIA_ROOT") or Path(app.instance_path) / "media"
    app.extensions[EXTENSION_KEY] = LocalMediaStore(root)


def media_store() -> MediaStore:
    """The current app's media store."""
    store: MediaStore = current_app.extensions[EXTENSION_KEY]
    return store
