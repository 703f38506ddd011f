"""A voice recording on anything that has one: an entry, a passport statement, a family comment,
an employer's feedback. One shape, so every place keeps, replaces and removes recordings alike."""
from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from portfolio.media.changes import MediaChange
from portfolio.media.storage import MediaStore
from portfolio.media.voice import StoredVoice, ingest_voice
from portfolio.models import MediaFile


class HasVoice(Protocol):
    school_id: int
    voice: MediaFile | None


def record(dbs: Session, store: MediaStore, owner: HasVoice, data: bytes, *, folder: str,
           max_seconds: float) -> MediaChange:
    """Turn an upload into a recording every browser plays and give it to ``owner``.

    Raises ``VoiceRefused`` (a ``KindError``) for anything that is not a usable recording; nothing is
    stored then. The old recording, if any, is listed as replaced, to delete after the commit.
    """
    stored = ingest_voice(data, store, f"{folder}/{owner.school_id}", max_seconds=max_seconds)
    return attach(dbs, owner, stored)


def attach(dbs: Session, owner: HasVoice, stored: StoredVoice) -> MediaChange:
    """Give ``owner`` a recording already in the store (an import, the demo, or :func:`record`)."""
    change = MediaChange(written=[stored.key])
    old = owner.voice
    owner.voice = MediaFile(school_id=owner.school_id, key=stored.key, content_type=stored.content_type,
                            seconds=stored.seconds)
    dbs.flush()
    if old is not None:
        dbs.delete(old)
        change.replaced.append(old.key)
    return change


def remove(dbs: Session, owner: HasVoice) -> MediaChange:
    """Take the recording away; its file goes once the commit has succeeded."""
    old = owner.voice
    if old is None:
        return MediaChange()
    owner.voice = None
    dbs.flush()
    dbs.delete(old)
    return MediaChange(replaced=[old.key])
