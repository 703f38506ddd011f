"""The feedback service: links (made, found, expired, stopped), answers (sent once, changed until
read, then locked), checking, and who may see the result."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from portfolio import db
from portfolio.feedback import service as feedback
from portfolio.feedback.service import FeedbackAnswers, FeedbackError, FeedbackLocked
from portfolio.media.changes import MediaChange
from portfolio.media.storage import media_store
from portfolio.media.voice import VoiceRefused
from portfolio.models import EmployerFeedback, FeedbackAccess, MediaFile, User, utcnow
from portfolio.secret_links import LinkState
from portfolio.tokens import token_hash
from portfolio.web import policy
from tests.factories import World
from tests.feedback.helpers import make_participant
from tests.media_fixtures import fixture_bytes

GOOD = FeedbackAnswers(author_name="Jo Bloggs", skills={"skill-teamwork": "3", "skill-timekeeping": "1"},
                       went_well="Sam watered every plant.", work_on="Asking for help.", offer_again="yes")


@pytest.fixture
def ctx(app: Flask, world: World):
    with app.app_context(), app.test_request_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        ta = session.get(User, world.ta.id)
        participant = make_participant(session, learner)
        session.commit()
        yield session, participant, ta


def test_a_link_keeps_only_the_hash_and_is_found_by_its_token(ctx) -> None:
    session, participant, ta = ctx
    issued = feedback.create_link(session, participant, ta)
    stored = session.get(EmployerFeedback, issued.feedback.id)
    assert stored.token_hash == token_hash(issued.token) and issued.token not in stored.token_hash
    assert timedelta(days=29, hours=23) < stored.expires_at - stored.created_at <= timedelta(days=30)
    found = feedback.find_by_token(session, issued.token)
    assert found.state is LinkState.ACTIVE and found.feedback is stored
    assert feedback.find_by_token(session, issued.token + "x").state is LinkState.UNKNOWN
    assert feedback.find_by_token(session, "").state is LinkState.UNKNOWN
    assert feedback.find_by_token(session, "a" * 500).state is LinkState.UNKNOWN


def test_an_expired_link_and_a_stopped_link_no_longer_work(ctx) -> None:
    session, participant, ta = ctx
    old = feedback.create_link(session, participant, ta)
    old.feedback.expires_at = utcnow() - timedelta(seconds=1)
    working = feedback.create_link(session, participant, ta)
    other = feedback.create_link(session, participant, ta)
    assert feedback.find_by_token(session, old.token).state is LinkState.EXPIRED
    assert feedback.stop(session, participant, working.feedback.id) == 1
    assert feedback.find_by_token(session, working.token).state is LinkState.REVOKED
    assert feedback.find_by_token(session, other.token).state is LinkState.ACTIVE
    assert feedback.stop(session, participant, working.feedback.id) == 0  # stopping twice changes nothing
    assert feedback.stop(session, participant) == 1  # no link named: every working one stops
    assert feedback.active_link(participant) is None
    with pytest.raises(FeedbackError):
        feedback.stop(session, participant, 999_999)


def test_a_learner_who_has_left_takes_the_link_with_them(ctx) -> None:
    session, participant, ta = ctx
    issued = feedback.create_link(session, participant, ta)
    participant.learner.active = False
    assert feedback.find_by_token(session, issued.token).state is LinkState.UNKNOWN
    with pytest.raises(FeedbackError):
        feedback.create_link(session, participant, ta)


def test_answers_are_cleaned_and_kept_with_the_time_sent(ctx) -> None:
    session, participant, ta = ctx
    link = feedback.create_link(session, participant, ta).feedback
    answers = FeedbackAnswers(author_name="  Jo\x00 Bloggs\n", skills={"skill-teamwork": "3", "skill-money": ""},
                              went_well="work\x00experience", offer_again="maybe")
    assert feedback.save_answers(session, media_store(), link, answers) == MediaChange()
    assert link.author_name == "Jo  Bloggs"
    assert link.skills == {"skill-teamwork": 3}
    assert link.went_well == "work experience" and link.offer_again == "maybe"
    assert link.submitted_at is not None and link.updated_at == link.submitted_at
    assert feedback.latest_sent(participant) is link


@pytest.mark.parametrize("answers", [
    FeedbackAnswers(),
    FeedbackAnswers(skills={"skill-teamwork": ""}),
    FeedbackAnswers(skills={"not-a-skill": "2"}),
    FeedbackAnswers(skills={"skill-teamwork": "4"}),
    FeedbackAnswers(offer_again="perhaps"),
])
def test_empty_or_made_up_answers_are_refused_kindly(ctx, answers: FeedbackAnswers) -> None:
    session, participant, ta = ctx
    link = feedback.create_link(session, participant, ta).feedback
    with pytest.raises(FeedbackError) as refused:
        feedback.save_answers(session, media_store(), link, answers)
    assert refused.value.message.startswith("Please")
    assert link.submitted_at is None


def test_answers_change_until_staff_read_them_then_lock(ctx) -> None:
    session, participant, ta = ctx
    link = feedback.create_link(session, participant, ta).feedback
    feedback.save_answers(session, media_store(), link, GOOD)
    first_sent = link.submitted_at
    feedback.save_answers(session, media_store(), link, FeedbackAnswers(went_well="Even better today."),
                          now=first_sent + timedelta(minutes=5))
    assert link.went_well == "Even better today." and link.skills == {}
    assert link.submitted_at == first_sent and link.updated_at == first_sent + timedelta(minutes=5)
    shown = feedback.open_for_staff(session, participant, ta)
    assert shown is link and link.read_at is not None and link.read_by_id == ta.id
    with pytest.raises(FeedbackLocked):
        feedback.save_answers(session, media_store(), link, GOOD)
    assert link.went_well == "Even better today."


def test_staff_opening_the_page_before_anything_is_sent_locks_nothing(ctx) -> None:
    session, participant, ta = ctx
    link = feedback.create_link(session, participant, ta).feedback
    assert feedback.open_for_staff(session, participant, ta) is None
    feedback.save_answers(session, media_store(), link, GOOD)
    assert link.read_at is None


def test_a_voice_note_is_kept_as_aac_and_a_new_one_replaces_it(ctx) -> None:
    session, participant, ta = ctx
    store = media_store()
    link = feedback.create_link(session, participant, ta).feedback
    feedback.save_answers(session, store, link, FeedbackAnswers(), fixture_bytes("voice_chrome.webm"))
    first_key = link.voice.key
    assert link.voice.content_type == "audio/mp4" and store.exists(first_key)
    old = feedback.save_answers(session, store, link, FeedbackAnswers(went_well="More"),
                                fixture_bytes("voice_safari.m4a"))
    session.commit()
    assert old.replaced == [first_key] and old.written == [link.voice.key] != [first_key]
    assert session.scalar(select(func.count(MediaFile.id)).where(MediaFile.key == first_key)) == 0
    # With no new recording the kept one stays.
    assert feedback.save_answers(session, store, link, FeedbackAnswers()) == MediaChange()
    assert link.voice_id is not None


def _files(store) -> set[str]:  # type: ignore[no-untyped-def]
    root = store.root
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize("name", ["voice_fake.webm", "not_an_image.jpg", "empty.jpg"])
def test_a_file_that_is_not_a_recording_is_refused_and_nothing_is_stored(ctx, name: str) -> None:
    session, participant, ta = ctx
    store = media_store()
    link = feedback.create_link(session, participant, ta).feedback
    before = _files(store)
    data = fixture_bytes(name)
    with pytest.raises(FeedbackError if not data else VoiceRefused):
        feedback.save_answers(session, store, link, FeedbackAnswers(), data)
    assert link.voice_id is None and link.submitted_at is None
    assert _files(store) == before


def test_check_shows_it_to_the_learner_and_family_and_no_one_else(app: Flask, world: World, ctx) -> None:
    session, participant, ta = ctx
    people = {name: session.get(User, getattr(world, name).id)
              for name in ("learner", "parent", "other_learner", "other_parent", "other_ta", "admin")}
    with pytest.raises(FeedbackError):
        feedback.check(session, participant, ta)
    link = feedback.create_link(session, participant, ta).feedback
    feedback.save_answers(session, media_store(), link, GOOD)
    seen = {name: policy.allows(person, "participant.view_feedback", participant) for name, person in people.items()}
    assert seen == {"learner": False, "parent": False, "other_learner": False, "other_parent": False,
                    "other_ta": False, "admin": True}
    assert policy.allows(ta, "participant.view_feedback", participant)
    checked = feedback.check(session, participant, ta)
    assert checked is link and link.checked_by_id == ta.id and link.read_at is not None
    seen = {name: policy.allows(person, "participant.view_feedback", participant) for name, person in people.items()}
    assert seen == {"learner": True, "parent": True, "other_learner": False, "other_parent": False,
                    "other_ta": False, "admin": True}


def test_a_newer_unchecked_feedback_is_hidden_until_it_too_is_checked(ctx) -> None:
    session, participant, ta = ctx
    first = feedback.create_link(session, participant, ta).feedback
    feedback.save_answers(session, media_store(), first, GOOD)
    feedback.check(session, participant, ta)
    second = feedback.create_link(session, participant, ta).feedback
    feedback.save_answers(session, media_store(), second, FeedbackAnswers(went_well="Second visit"))
    assert feedback.latest_sent(participant) is second
    assert not policy.allows(participant.learner, "participant.view_feedback", participant)


def test_every_opening_is_logged_without_an_address(ctx) -> None:
    session, participant, ta = ctx
    link = feedback.create_link(session, participant, ta).feedback
    feedback.record_access(session, link, "page", "Mozilla/5.0\x00\n" + "x" * 500)
    feedback.record_access(session, link, "send", None)
    rows = feedback.links_for(participant)
    assert len(rows) == 1 and rows[0].opened == 1 and rows[0].last_access is not None
    logged = session.scalars(select(FeedbackAccess).order_by(FeedbackAccess.id)).all()
    assert [a.what for a in logged] == ["page", "send"]
    assert "\x00" not in logged[0].client and len(logged[0].client) <= feedback.MAX_CLIENT
    with pytest.raises(ValueError):
        feedback.record_access(session, link, "peek", "")


def test_read_aloud_tokens_only_speak_through_their_own_link(ctx) -> None:
    session, participant, ta = ctx
    one = feedback.create_link(session, participant, ta).feedback
    two = feedback.create_link(session, participant, ta).feedback
    token = feedback.speech_token("test-secret", one, "Tell us how  Sam got on")
    assert feedback.text_from_speech_token("test-secret", one, token) == "Tell us how Sam got on"
    assert feedback.text_from_speech_token("test-secret", two, token) is None
    assert feedback.text_from_speech_token("test-secret", one, token + "x") is None


def test_the_entry_finds_its_participant(ctx) -> None:
    session, participant, _ta = ctx
    assert feedback.participant_for_entry(session, participant.activity_id, participant.learner_id) is participant
    assert feedback.participant_for_entry(session, None, participant.learner_id) is None
    assert feedback.employer_name(participant) == "Green Fingers"
    assert [w.key for w in feedback.skills()][:2] == ["skill-communication", "skill-teamwork"]
