"""One way to keep, replace and remove a recording, whatever it belongs to, and one way to commit media."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from portfolio import db
from portfolio.errors import KindError
from portfolio.media import recordings
from portfolio.media.changes import MediaChange, commit_or_clean_up
from portfolio.media.storage import media_store
from portfolio.models import Experience, FamilyComment, MediaFile, PassportStatement, User
from portfolio.passport import service as passport
from tests.factories import Entries, World
from tests.media_fixtures import fixture_bytes, stored_keys


def _owners(world: World, entries: Entries) -> list[object]:
    session = db.session()
    learner = session.get(User, world.learner.id)
    statement = passport.add_own(session, learner, learner, "likes", "I like plants")
    comment = session.get(Experience, entries.shared.id).comments[0]
    return [session.get(Experience, entries.draft.id), statement, comment]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["entry", "passport statement", "family comment"])
def test_record_replace_and_remove_the_same_way_everywhere(app: Flask, world: World, entries: Entries,
                                                          which: int) -> None:
    with app.app_context():
        session, store = db.session(), media_store()
        owner = _owners(world, entries)[which]
        assert isinstance(owner, (Experience, PassportStatement, FamilyComment))
        first = recordings.record(session, store, owner, fixture_bytes("voice_chrome.webm"), folder="voice",
                                  max_seconds=60)
        commit_or_clean_up(session, store, first)
        second = recordings.record(session, store, owner, fixture_bytes("voice_safari.m4a"), folder="voice",
                                   max_seconds=60)
        assert second.replaced == first.written
        commit_or_clean_up(session, store, second)
        assert not store.exists(first.written[0]) and store.exists(second.written[0])
        assert 1.5 < owner.voice.seconds < 2.5
        gone = recordings.remove(session, owner)
        commit_or_clean_up(session, store, gone)
        assert owner.voice is None and not store.exists(second.written[0])
        assert session.query(MediaFile).filter(MediaFile.key.in_(first.written + second.written)).count() == 0


def test_a_refused_recording_stores_nothing(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        session, store = db.session(), media_store()
        before = stored_keys(store, "voice")
        entry = session.get(Experience, entries.draft.id)
        for name in ("voice_fake.webm", "not_an_image.jpg", "empty.jpg"):
            with pytest.raises(KindError):
                recordings.record(session, store, entry, fixture_bytes(name), folder="voice", max_seconds=60)
        assert stored_keys(store, "voice") == before and entry.voice is None


def test_a_failed_commit_deletes_the_files_it_wrote_and_keeps_what_it_would_replace(
        app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        session, store = db.session(), media_store()
        entry = session.get(Experience, entries.shared.id)
        kept = entry.voice.key
        change = recordings.record(session, store, entry, fixture_bytes("voice_chrome.webm"), folder="voice",
                                   max_seconds=60)
        assert change.replaced == [kept]
        session.add(MediaFile(school_id=entry.school_id, key=kept, content_type="audio/mp4"))  # a clashing key
        with pytest.raises(IntegrityError):
            commit_or_clean_up(session, store, change)
        assert not store.exists(change.written[0])
        assert store.exists(kept)


def test_media_change_adds_up() -> None:
    change = MediaChange(written=["a"]).add(MediaChange(written=["b"], replaced=["c"]))
    assert change == MediaChange(written=["a", "b"], replaced=["c"])
