"""Making the media store and the database agree after a crash: ``flask media sweep``.

Files are written before their rows are committed, so a worker killed in between leaves files no
row points at (and ``.tmp`` files from a write cut short). The sweep removes those, and reports rows
whose file is missing, which it never "fixes" by deleting rows: that would lose a learner's entry.

It works the same on the local folder and on S3 (``MediaStore.listing`` gives each object's key and
when it was written; S3's ``LastModified`` plays the part of a file's mtime). It is safe while the
app serves:

* It never deletes a file younger than ``min_age`` (an hour): a request may have written it and not
  yet committed its row.
* It lists the files first and reads the referenced keys afterwards, so a row committed while it
  lists is seen, and its file kept.
* A CSV waiting on an import preview (``imports/``) has no row by design; it is kept for a day, so
  a preview left open that long asks for the file again.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.media.storage import LocalMediaStore, MediaStore, StoredObject
from portfolio.models import MediaFile

HOUR = 3600.0
WAITING_PREFIXES = {"imports/": 24 * HOUR}  # files that wait with no row: how long they may wait


@dataclass
class StoredFile:
    key: str
    path: Path
    modified: float


@dataclass
class SweepReport:
    """What the sweep found, and what it removed (only when ``apply`` was given)."""

    files: int = 0
    orphans: list[str] = field(default_factory=list)  # no row, old enough to remove
    young_orphans: list[str] = field(default_factory=list)  # no row, but too new to touch
    stray_temp: list[str] = field(default_factory=list)  # .tmp files old enough to remove
    missing: list[str] = field(default_factory=list)  # rows whose file is not in the store
    removed: int = 0


def stored_files(root: Path) -> list[StoredFile]:
    """Every file under a local store's folder, with its key and its path (what a backup copies)."""
    return [StoredFile(item.key, root.joinpath(*item.key.split("/")), item.modified)
            for item in LocalMediaStore(root).listing()]


def is_temporary(key: str) -> bool:
    """A write cut short: the store's temporary files are ``.<name>.<random>.tmp``."""
    return key.rpartition("/")[2].endswith(".tmp")


def referenced_keys(dbs: Session) -> set[str]:
    """Every storage key a row points at. Every table that holds media does so through ``media_files``."""
    return set(dbs.scalars(select(MediaFile.key)))


def _grace(key: str, min_age: float) -> float:
    for prefix, wait in WAITING_PREFIXES.items():
        if key.startswith(prefix):
            return max(wait, min_age)
    return min_age


def sweep(store: MediaStore, keys: Callable[[], set[str]], *, now: float | None = None,
          min_age: float = HOUR, apply: bool = False) -> SweepReport:
    """Find (and with ``apply``, remove) files with no row older than ``min_age`` seconds, and stray
    temporary files as old; report rows whose file is missing. ``keys`` is called after the listing."""
    now = time.time() if now is None else now
    files: list[StoredObject] = list(store.listing())
    referenced = keys()
    report = SweepReport(files=len(files))
    for item in files:
        old_enough = now - item.modified >= _grace(item.key, min_age)
        if is_temporary(item.key):
            if old_enough:
                report.stray_temp.append(item.key)
        elif item.key not in referenced:
            (report.orphans if old_enough else report.young_orphans).append(item.key)
    on_disk = {item.key for item in files}
    report.missing = sorted(key for key in referenced if key not in on_disk and not store.exists(key))
    if apply:
        report.removed = _remove(store, report.orphans + report.stray_temp)
    return report


def _remove(store: MediaStore, keys: list[str]) -> int:
    """Delete each key; one that will not go is left for the next sweep, never a reason to stop."""
    removed = 0
    for key in keys:
        try:
            store.delete(key)
        except OSError:
            continue
        removed += 1
    return removed
