"""Entries made on a tablet with no Wi-Fi, arriving later one step at a time.

The tablet keeps the entry until the network comes back, then sends it in steps: the entry (its
choices), each photo, the voice, and Send. Each step carries a random key the tablet made when the
entry was saved. A step can arrive more than once (the answer was lost on a patchy hotspot, a double
tap, two tabs), so the key is kept in ``sync_keys`` and a second arrival gets the first answer back:
one entry, one copy of each photo, one recording, whatever happens to the network.

Keys are unique per learner. Two learners' tablets could, in theory, make the same key; each gets
their own step. A key used for one kind of step and then sent as another is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.experiences import service as experiences
from portfolio.media import recordings
from portfolio.media.changes import MediaChange
from portfolio.media.storage import MediaStore
from portfolio.models import Experience, ExperienceKind, ExperienceStatus, SyncKey, TagScheme, User
from portfolio.symbols import vocabulary

KEY_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STEP_NAMES = ("entry", "photo", "voice", "send")
MAX_REFUSAL = 300
WHAT_WAS_REFUSED = {"photo": "a photo", "voice": "the voice recording"}


class SyncRefused(KindError):
    """A step the server will not take, in words fit to show the learner and staff."""


@dataclass(frozen=True)
class OfflineEntry:
    """The choices made on the tablet: symbol keys only, the same ones the online steps use."""

    kind: str
    place: str = ""
    did: Sequence[str] = ()
    feeling: str = ""
    made_on: str = ""


@dataclass
class Arrived:
    """What a step made. ``repeated`` says it had arrived before; ``refused`` holds the words of a
    refusal the tablet shows until someone chooses to leave the thing out or try again."""

    step: str
    experience_id: int
    photo_id: int | None = None
    repeated: bool = False
    refused: str = ""
    change: MediaChange = field(default_factory=MediaChange)

    def as_json(self) -> dict[str, object]:
        return {"step": self.step, "experience_id": self.experience_id, "photo_id": self.photo_id,
                "repeated": self.repeated, "refused": self.refused}


@dataclass(frozen=True)
class EntryChoices:
    """Every choice the online steps offer, for the one offline page (the same words and pictures)."""

    kinds: list[ExperienceKind]
    places: tuple[vocabulary.Word, ...]
    did_categories: list[vocabulary.Category]
    feelings: tuple[vocabulary.Word, ...]


def entry_choices() -> EntryChoices:
    return EntryChoices(kinds=list(ExperienceKind), places=vocabulary.words_in("places"),
                        did_categories=experiences.did_categories(), feelings=vocabulary.FEELING_SCALE)


def queue_owner(secret_key: str, user_id: int) -> str:
    """The opaque name a tablet files queued items under: it says whose they are without a name,
    and cannot be turned back into the account id without the app's secret."""
    return hmac.new(secret_key.encode(), f"queue-owner:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def queue_key(secret_key: str, user_id: int) -> str:
    """The key a tablet locks this learner's queued items with (AES-GCM, base64url). Only that
    learner's own signed-in pages carry it, and the tablet forgets it at sign-out, so the next
    learner on the tablet cannot read the items, even with the browser's developer tools."""
    raw = hmac.new(secret_key.encode(), f"queue-key:{user_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _check_key(key: str) -> str:
    key = (key or "").strip().lower()
    if not KEY_PATTERN.match(key):
        raise SyncRefused("This came from the tablet without its label. Please try again.")
    return key


def _find(dbs: Session, learner: User, key: str) -> SyncKey | None:
    return dbs.scalars(select(SyncKey).where(SyncKey.learner_id == learner.id, SyncKey.key == key)).first()


def _same_step(found: SyncKey, step: str) -> None:
    if found.step != step:
        raise SyncRefused("This label was already used for something else. Please try again.")


def _claim(dbs: Session, learner: User, actor: User, key: str, step: str, experience_id: int | None) -> SyncKey | None:
    """Write the key before the work, so two arrivals at once cannot both do it. None when another
    request claimed it first (the unique key said so). It is each step's first write, so rolling
    back loses nothing else (SQLite's driver cannot be trusted with a savepoint here)."""
    row = SyncKey(school_id=learner.school_id, learner_id=learner.id, sent_by_id=actor.id, key=key, step=step,
                  experience_id=experience_id, refused="")
    dbs.add(row)
    try:
        dbs.flush()
    except IntegrityError:
        dbs.rollback()
        return None
    return row


def _entry_for(dbs: Session, learner: User, entry_key: str) -> Experience:
    found = _find(dbs, learner, _check_key(entry_key))
    if found is None or found.step != "entry" or found.experience_id is None:
        raise SyncRefused("This entry has not arrived yet. It will be sent again.")
    experience = dbs.get(Experience, found.experience_id)
    if experience is None:
        raise SyncRefused("This entry has been taken away.")
    return experience


def receive_entry(dbs: Session, learner: User, actor: User, key: str, entry: OfflineEntry, today: date) -> Arrived:
    """Make the entry with its choices, or give back the one this key made before."""
    key = _check_key(key)
    found = _find(dbs, learner, key)
    if found is None:
        claimed = _claim(dbs, learner, actor, key, "entry", None)
        if claimed is not None:
            experience = experiences.start(dbs, learner, actor, today)
            claimed.experience_id = experience.id
            _fill(experience, entry, today)
            return Arrived("entry", experience.id)
        found = _find(dbs, learner, key)
    if found is None:
        raise SyncRefused("This entry could not be saved. It will be sent again.")
    _same_step(found, "entry")
    return Arrived("entry", found.experience_id or 0, repeated=True)


def _fill(experience: Experience, entry: OfflineEntry, today: date) -> None:
    experiences.set_kind(experience, entry.kind)
    if entry.place:
        experiences.set_place(experience, entry.place, None)
    if entry.made_on:
        experiences.set_dates(experience, "other", entry.made_on, today=today)
    for value in dict.fromkeys(entry.did):
        experiences.toggle_tag(experience, TagScheme.DID, value, True)
    if entry.feeling:
        experiences.set_feeling(experience, entry.feeling)
    experience.step = "send"


def _tell_staff(experience: Experience, step: str, problem: str) -> None:
    """Staff see what the server refused on the entry's staff note, once per thing refused."""
    line = (f"Made on a tablet with no Wi-Fi: {WHAT_WAS_REFUSED[step]} was not taken. {problem} "
            "It stays on the tablet until the learner or a member of staff leaves it out or tries again.")
    note = f"{experience.staff_note}\n{line}".strip() if experience.staff_note else line
    if len(note) <= experiences.MAX_NOTE:
        experience.staff_note = note


def _start_media_step(dbs: Session, learner: User, actor: User, entry_key: str, key: str,
                      step: str) -> tuple[Experience, SyncKey | None, Arrived | None]:
    """The entry, and either the key row to do the step under or the answer it had before."""
    experience = _entry_for(dbs, learner, entry_key)
    key = _check_key(key)
    found = _find(dbs, learner, key)
    if found is not None:
        _same_step(found, step)
        if not found.refused:
            return experience, None, Arrived(step, experience.id, found.photo_id, repeated=True)
        return experience, found, None  # refused before: "Try again" has another go
    if experience.status != ExperienceStatus.DRAFT.value:
        raise SyncRefused("This entry has already been sent, so nothing more can be added from the tablet.")
    row = _claim(dbs, learner, actor, key, step, experience.id)
    if row is None:
        found = _find(dbs, learner, key)
        return experience, None, Arrived(step, experience.id, found.photo_id if found else None, repeated=True)
    return experience, row, None


def _refused(row: SyncKey, experience: Experience, step: str, problem: str) -> Arrived:
    problem = problem[:MAX_REFUSAL]
    if not row.refused:
        _tell_staff(experience, step, problem)
    row.refused = problem
    return Arrived(step, experience.id, refused=problem)


def receive_photo(dbs: Session, store: MediaStore, learner: User, actor: User, entry_key: str, key: str,
                  data: bytes, *, max_bytes: int) -> Arrived:
    """Add one photo to the entry, once. A refused photo is named, and staff are told."""
    experience, row, before = _start_media_step(dbs, learner, actor, entry_key, key, "photo")
    if before is not None:
        return before
    assert row is not None
    had = {photo.id for photo in experience.photos}
    change, problem = experiences.add_photos(dbs, store, experience, [data], max_bytes=max_bytes)
    if problem is not None:
        return _refused(row, experience, "photo", problem)
    dbs.flush()
    new = [photo.id for photo in experience.photos if photo.id not in had]
    row.photo_id = new[0] if new else None
    row.refused = ""
    return Arrived("photo", experience.id, row.photo_id, change=change)


def receive_voice(dbs: Session, store: MediaStore, learner: User, actor: User, entry_key: str, key: str,
                  data: bytes, *, max_seconds: float) -> Arrived:
    """Give the entry its voice recording, once. A refused recording is named, and staff are told."""
    experience, row, before = _start_media_step(dbs, learner, actor, entry_key, key, "voice")
    if before is not None:
        return before
    assert row is not None
    try:
        change = recordings.record(dbs, store, experience, data, folder="voice", max_seconds=max_seconds)
    except KindError as refused:
        return _refused(row, experience, "voice", refused.message)
    row.refused = ""
    return Arrived("voice", experience.id, change=change)


def receive_send(dbs: Session, learner: User, actor: User, entry_key: str, key: str) -> Arrived:
    """Send the entry to be checked: the last step, after every photo and the voice."""
    experience = _entry_for(dbs, learner, entry_key)
    key = _check_key(key)
    found = _find(dbs, learner, key)
    if found is not None:
        _same_step(found, "send")
        return Arrived("send", experience.id, repeated=True)
    if _claim(dbs, learner, actor, key, "send", experience.id) is None:
        return Arrived("send", experience.id, repeated=True)
    experiences.send_to_check(experience)
    return Arrived("send", experience.id)
