"""Entries made with no Wi-Fi arriving later: every step once, however often it is sent."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.experiences.service import ExperienceError
from portfolio.media.changes import commit_or_clean_up
from portfolio.media.storage import LocalMediaStore, media_store
from portfolio.models import Experience, ExperiencePhoto, ExperienceStatus, MediaFile, SyncKey, TagScheme, User
from portfolio.offline import sync
from portfolio.offline.sync import OfflineEntry, SyncRefused
from tests.factories import World
from tests.media_fixtures import fixture_bytes, stored_keys

TODAY = date(2026, 11, 23)
MAX_BYTES = 20 * 1024 * 1024
ENTRY = OfflineEntry(kind="placement", place="farm", did=["water-plants", "water-plants"],
                     feeling="feeling-liked", made_on="2026-11-20")


@pytest.fixture
def ctx(app: Flask, world: World) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def _user(dbs: Session, user: User) -> User:
    found = dbs.get(User, user.id)
    assert found is not None
    return found


def _key() -> str:
    return str(uuid.uuid4())


def _count(dbs: Session, model: type, *where) -> int:  # type: ignore[no-untyped-def]
    return dbs.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _entry(dbs: Session, learner: User, key: str) -> sync.Arrived:
    arrived = sync.receive_entry(dbs, learner, learner, key, ENTRY, TODAY)
    dbs.commit()
    return arrived


def _photo(dbs: Session, learner: User, entry_key: str, key: str, data: bytes) -> sync.Arrived:
    arrived = sync.receive_photo(dbs, media_store(), learner, learner, entry_key, key, data, max_bytes=MAX_BYTES)
    commit_or_clean_up(dbs, media_store(), arrived.change)
    return arrived


def test_the_same_entry_twice_makes_one_entry_with_its_choices(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    key = _key()
    first = _entry(ctx, learner, key)
    again = _entry(ctx, learner, key)
    assert (first.repeated, again.repeated) == (False, True)
    assert again.experience_id == first.experience_id
    assert _count(ctx, Experience, Experience.learner_id == learner.id) == 1
    made = ctx.get(Experience, first.experience_id)
    assert made is not None
    assert (made.kind, made.place_symbol, made.feeling, made.start_date) == (
        "placement", "farm", "feeling-liked", date(2026, 11, 20))
    assert made.tag_values(TagScheme.DID) == ["water-plants"]
    assert made.status == ExperienceStatus.DRAFT.value and made.created_by_id == learner.id


def test_keys_are_per_learner_so_another_learners_same_key_is_their_own(ctx: Session, world: World) -> None:
    key = _key()
    mine = _entry(ctx, _user(ctx, world.learner), key)
    theirs = _entry(ctx, _user(ctx, world.other_learner), key)
    assert not theirs.repeated and theirs.experience_id != mine.experience_id
    found = ctx.get(Experience, theirs.experience_id)
    assert found is not None and found.learner_id == world.other_learner.id


def test_a_key_used_for_one_step_is_refused_for_another(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    key = _key()
    _entry(ctx, learner, key)
    with pytest.raises(SyncRefused):
        sync.receive_send(ctx, learner, learner, key, key)
    ctx.rollback()
    with pytest.raises(SyncRefused):
        _photo(ctx, learner, key, key, fixture_bytes("photo_small.png"))
    ctx.rollback()
    assert _count(ctx, SyncKey, SyncKey.learner_id == learner.id) == 1


@pytest.mark.parametrize("key", ["", "not-a-key", "1" * 36, "0f8ce2bf-57c0-40fa-88c1-6383ee89f97bx"])
def test_a_step_without_a_proper_key_is_refused(ctx: Session, world: World, key: str) -> None:
    with pytest.raises(SyncRefused):
        sync.receive_entry(ctx, _user(ctx, world.learner), _user(ctx, world.learner), key, ENTRY, TODAY)


def test_a_bad_choice_refuses_the_entry_and_keeps_nothing(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    with pytest.raises(ExperienceError):
        sync.receive_entry(ctx, learner, learner, _key(), OfflineEntry(kind="rocket"), TODAY)
    ctx.rollback()
    assert _count(ctx, SyncKey) == 0 and _count(ctx, Experience, Experience.learner_id == learner.id) == 0


def test_the_same_photo_step_twice_keeps_one_photo(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    entry_key, photo_key = _key(), _key()
    made = _entry(ctx, learner, entry_key)
    first = _photo(ctx, learner, entry_key, photo_key, fixture_bytes("photo_small.png"))
    again = _photo(ctx, learner, entry_key, photo_key, fixture_bytes("photo_small.png"))
    assert first.photo_id is not None and again.photo_id == first.photo_id and again.repeated
    assert again.change.written == []
    assert _count(ctx, ExperiencePhoto, ExperiencePhoto.experience_id == made.experience_id) == 1
    store = media_store()
    assert isinstance(store, LocalMediaStore)
    assert len(stored_keys(store, f"photos/{learner.school_id}")) == 2  # one display, one thumbnail


def test_a_photo_before_its_entry_is_refused_to_come_again_later(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    with pytest.raises(SyncRefused, match="not arrived"):
        _photo(ctx, learner, _key(), _key(), fixture_bytes("photo_small.png"))


def test_another_learners_entry_key_reaches_nothing(ctx: Session, world: World) -> None:
    entry_key = _key()
    _entry(ctx, _user(ctx, world.learner), entry_key)
    with pytest.raises(SyncRefused):
        _photo(ctx, _user(ctx, world.other_learner), entry_key, _key(), fixture_bytes("photo_small.png"))


def test_a_refused_photo_is_named_staff_are_told_once_and_try_again_can_take_it(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    entry_key, photo_key = _key(), _key()
    made = _entry(ctx, learner, entry_key)
    for _ in range(2):
        refused = _photo(ctx, learner, entry_key, photo_key, fixture_bytes("not_an_image.jpg"))
        assert refused.refused and refused.photo_id is None
    entry = ctx.get(Experience, made.experience_id)
    assert entry is not None
    assert entry.staff_note.count("a photo was not taken") == 1
    assert refused.refused in entry.staff_note
    row = ctx.scalars(select(SyncKey).where(SyncKey.key == photo_key)).one()
    assert row.refused == refused.refused
    taken = _photo(ctx, learner, entry_key, photo_key, fixture_bytes("photo_small.png"))
    assert not taken.refused and taken.photo_id is not None
    ctx.refresh(row)
    assert row.refused == "" and row.photo_id == taken.photo_id


def test_the_voice_twice_is_one_recording(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    entry_key, voice_key = _key(), _key()
    made = _entry(ctx, learner, entry_key)
    voices = []
    for _ in range(2):
        arrived = sync.receive_voice(ctx, media_store(), learner, learner, entry_key, voice_key,
                                     fixture_bytes("voice_chrome.webm"), max_seconds=60)
        commit_or_clean_up(ctx, media_store(), arrived.change)
        voices.append(arrived)
    assert [v.repeated for v in voices] == [False, True]
    entry = ctx.get(Experience, made.experience_id)
    assert entry is not None and entry.voice is not None
    assert _count(ctx, MediaFile, MediaFile.key.like("voice/%")) == 1


def test_a_voice_too_long_is_refused_and_staff_are_told(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    entry_key = _key()
    made = _entry(ctx, learner, entry_key)
    arrived = sync.receive_voice(ctx, media_store(), learner, learner, entry_key, _key(),
                                 fixture_bytes("voice_chrome.webm"), max_seconds=0.1)
    ctx.commit()
    assert arrived.refused
    entry = ctx.get(Experience, made.experience_id)
    assert entry is not None and entry.voice is None
    assert "the voice recording was not taken" in entry.staff_note


def test_send_twice_sends_once_and_nothing_new_is_added_after(ctx: Session, world: World) -> None:
    learner = _user(ctx, world.learner)
    entry_key, send_key = _key(), _key()
    made = _entry(ctx, learner, entry_key)
    first = sync.receive_send(ctx, learner, learner, entry_key, send_key)
    ctx.commit()
    entry = ctx.get(Experience, made.experience_id)
    assert entry is not None and entry.status == ExperienceStatus.WAITING.value
    sent_at = entry.submitted_at
    again = sync.receive_send(ctx, learner, learner, entry_key, send_key)
    ctx.commit()
    assert (first.repeated, again.repeated) == (False, True) and entry.submitted_at == sent_at
    with pytest.raises(SyncRefused, match="already been sent"):
        _photo(ctx, learner, entry_key, _key(), fixture_bytes("photo_small.png"))


def test_staff_send_for_a_learner_and_are_named_as_sender(ctx: Session, world: World) -> None:
    learner, ta = _user(ctx, world.learner), _user(ctx, world.ta)
    key = _key()
    arrived = sync.receive_entry(ctx, learner, ta, key, ENTRY, TODAY)
    ctx.commit()
    entry = ctx.get(Experience, arrived.experience_id)
    assert entry is not None and entry.created_by_id == ta.id and entry.learner_id == learner.id
    row = ctx.scalars(select(SyncKey).where(SyncKey.key == key)).one()
    assert (row.sent_by_id, row.learner_id, row.school_id) == (ta.id, learner.id, learner.school_id)


def test_the_owner_name_and_the_lock_key_are_keyed_by_the_secret() -> None:
    import base64

    for made in (sync.queue_owner, sync.queue_key):
        assert made("one", 5) == made("one", 5)
        assert made("one", 5) != made("two", 5)
        assert made("one", 5) != made("one", 6)
    assert len(base64.urlsafe_b64decode(sync.queue_key("one", 5) + "=")) == 32  # an AES-256 key
    assert sync.queue_key("one", 5) != sync.queue_owner("one", 5)


def test_erasing_the_learner_or_the_entry_takes_its_keys_too(ctx: Session, world: World) -> None:
    from portfolio.erasure import service as erasure

    learner, admin = _user(ctx, world.learner), _user(ctx, world.admin)
    first, second = _entry(ctx, learner, _key()), _entry(ctx, learner, _key())
    _photo(ctx, learner, ctx.scalars(select(SyncKey.key).where(SyncKey.experience_id == first.experience_id)).one(),
           _key(), fixture_bytes("photo_small.png"))
    assert _count(ctx, SyncKey, SyncKey.learner_id == learner.id) == 3
    entry = ctx.get(Experience, first.experience_id)
    assert entry is not None
    commit_or_clean_up(ctx, media_store(), erasure.erase_entry(ctx, entry, admin, learner.display_name).change)
    assert _count(ctx, SyncKey, SyncKey.experience_id == first.experience_id) == 0
    assert _count(ctx, SyncKey, SyncKey.experience_id == second.experience_id) == 1
    commit_or_clean_up(ctx, media_store(), erasure.erase_learner(ctx, learner, admin, learner.display_name).change)
    assert _count(ctx, SyncKey) == 0
