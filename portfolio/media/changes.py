"""What a change did to the media store, and the one way to commit it.

Files are written before their rows are committed, so a failed commit must delete the files it
wrote (or they would lie in the store with no row), and files a change replaced may only be
deleted once the commit has succeeded (or a failed commit would lose them).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from portfolio.media.storage import MediaStore

log = logging.getLogger(__name__)


@dataclass
class MediaChange:
    """Keys a change ``wrote`` to the store and keys of files it ``replaced`` (to delete after the commit)."""

    written: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    def add(self, other: MediaChange) -> MediaChange:
        self.written.extend(other.written)
        self.replaced.extend(other.replaced)
        return self


def delete_quietly(store: MediaStore, keys: Iterable[str]) -> None:
    """Remove files whose rows are gone; a file that will not go is logged, never shown to the person."""
    for key in keys:
        try:
            store.delete(key)
        except OSError:
            log.warning("Could not delete media file %s", key)


def commit_or_clean_up(dbs: Session, store: MediaStore, change: MediaChange) -> None:
    """Commit the change. If the commit fails, the files it wrote are deleted and the error goes on up;
    if it succeeds, the files it replaced are deleted."""
    try:
        dbs.commit()
    except Exception:
        dbs.rollback()
        delete_quietly(store, change.written)
        raise
    delete_quietly(store, change.replaced)


def discard(dbs: Session, store: MediaStore, change: MediaChange) -> None:
    """Give up the change: roll back and delete what it wrote, keeping what it would have replaced."""
    dbs.rollback()
    delete_quietly(store, change.written)
