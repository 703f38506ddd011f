"""The annual review pack service: building, leaving out, finalising a snapshot, QR audio links."""
from __future__ import annotations

import time
from datetime import date

import pytest
from flask import Flask

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.media.storage import media_store
from portfolio.models import Experience, ExperienceStatus, MediaFile, PassportStatement, User
from portfolio.plans import service as transition_plan
from portfolio.reviews import service as annual_review
from portfolio.reviews.service import ReviewError
from tests.factories import Entries, World, make_experience


@pytest.fixture
def session(app: Flask, world: World, entries: Entries):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield db.session()


def _people(session, world: World) -> tuple[User, User]:  # type: ignore[no-untyped-def]
    return session.get(User, world.learner.id), session.get(User, world.ta.id)


def test_default_range_is_since_the_last_final_pack(session, world: World) -> None:  # type: ignore[no-untyped-def]
    learner, ta = _people(session, world)
    assert annual_review.default_range(session, learner, date(2026, 11, 23)) == (date(2025, 11, 23),
                                                                                  date(2026, 11, 23))
    pack = annual_review.create(session, learner, ta, "2026-01-01", "2026-06-30")
    annual_review.finalise(session, media_store(), pack, ta)
    assert annual_review.default_range(session, learner, date(2026, 11, 23)) == (date(2026, 7, 1),
                                                                                  date(2026, 11, 23))
    for start, end in (("2026-05-01", "2026-04-01"), ("soon", "2026-04-01")):
        with pytest.raises(ReviewError):
            annual_review.create(session, learner, ta, start, end)


def test_the_document_gathers_entries_passport_and_plan(session, world: World, entries: Entries) -> None:  # type: ignore[no-untyped-def]
    learner, ta = _people(session, world)
    disliked = make_experience(session, learner, learner, ExperienceStatus.SHARED, place="Noisy Warehouse",
                               on=date(2026, 6, 14))
    disliked.feeling = "feeling-disliked"
    make_experience(session, learner, learner, ExperienceStatus.DRAFT, place="Not Shared Yet", on=date(2026, 6, 13))
    session.add(PassportStatement(school_id=learner.school_id, learner_id=learner.id, section="likes",
                                  text="I like animals", symbol="dog"))
    session.add(PassportStatement(school_id=learner.school_id, learner_id=learner.id, section="hopes",
                                  text="I want to work on a farm", symbol="farm"))
    plan = transition_plan.start_year(session, learner, 10)
    transition_plan.update_words(plan, {"aspirations": "Work with animals", "health": "I walk to school"})
    transition_plan.add_next_step(plan, "Priya", "Book a farm visit", "")
    pack = annual_review.create(session, learner, ta, "2026-06-01", "2026-06-30")
    annual_review.update(pack, {"questions": "Can I go to college?\n\nWhere is it?", "not_working": "Buses"}, [])
    document = annual_review.build(session, pack)
    headlines = [item["headline"] for item in document["done"]]
    assert "Work placement at Noisy Warehouse" in headlines
    assert not any("Not Shared Yet" in h for h in headlines)  # only shared entries
    assert any(s["text"] == "I liked: Work placement at Green Fingers Garden Centre" for s in document["liked"])
    assert {"text": "I like animals", "symbol": "dog", "voice": None} in document["liked"]
    assert document["disliked"][0]["text"] == "I did not like: Work placement at Noisy Warehouse"
    assert [s["text"] for s in document["important"]] == ["I want to work on a farm"]
    assert document["aspirations"] == "Work with animals"
    assert document["next_steps"][0]["what"] == "Book a farm visit"
    assert document["questions"] == ["Can I go to college?", "Where is it?"]
    assert document["not_working"] == ["Buses"]
    annual_review.update(pack, {}, [disliked.id])
    document = annual_review.build(session, pack)
    assert [i["left_out"] for i in document["done"] if i["id"] == disliked.id] == [True]
    assert document["disliked"] == []


def test_a_final_pack_never_changes(session, world: World, entries: Entries) -> None:  # type: ignore[no-untyped-def]
    learner, ta = _people(session, world)
    shared = session.get(Experience, entries.shared.id)
    day = shared.start_date.isoformat()
    pack = annual_review.create(session, learner, ta, day, day)
    written = annual_review.finalise(session, media_store(), pack, ta)
    session.commit()
    assert len(written) == 2  # the photo and the recording were copied
    frozen = annual_review.build(session, pack)
    photo_media = frozen["done"][0]["photo"]["media"]
    # the entry changes and loses its photo; the pack keeps what was agreed
    experiences.set_caption(shared, "Changed later")
    experiences.remove_photo(session, shared, shared.photos[0].id)
    session.commit()
    again = annual_review.build(session, pack)
    assert again == frozen and again["done"][0]["caption"] == "I watered the plants"
    assert media_store().exists(session.get(MediaFile, photo_media).key)
    with pytest.raises(ReviewError):
        annual_review.update(pack, {"questions": "x"}, [])
    with pytest.raises(ReviewError):
        annual_review.finalise(session, media_store(), pack, ta)


def test_qr_audio_links_expire_and_cannot_be_forged(session, world: World, entries: Entries) -> None:  # type: ignore[no-untyped-def]
    learner, ta = _people(session, world)
    day = session.get(Experience, entries.shared.id).start_date.isoformat()
    pack = annual_review.create(session, learner, ta, day, day)
    annual_review.finalise(session, media_store(), pack, ta)
    voice = pack.snapshot["done"][0]["voice"]
    token = annual_review.audio_token("secret", pack, voice)
    assert annual_review.read_audio_token("secret", token, 30) == (pack.id, voice)
    assert annual_review.recording_in_final_pack(session, pack.id, voice) is not None
    assert annual_review.read_audio_token("other secret", token, 30) is None
    assert annual_review.read_audio_token("secret", token + "x", 30) is None
    time.sleep(1.1)
    assert annual_review.read_audio_token("secret", token, 0) is None  # expired
    # a real recording that is not part of this pack is not served through it
    assert annual_review.recording_in_final_pack(session, pack.id, entries.shared.voice_id or 0) is None
