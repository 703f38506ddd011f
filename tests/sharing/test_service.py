"""The sharing service: making links, what a link shows, consent, expiry, stopping and the access log."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.models import (
    Experience,
    ExperienceStatus,
    PassportStatement,
    ShareAccess,
    ShareLink,
    StatementStatus,
    User,
    utcnow,
)
from portfolio.people import consent
from portfolio.people.consent import ConsentAnswers
from portfolio.secret_links import LinkState
from portfolio.sharing import service as sharing
from portfolio.sharing.service import ShareError
from portfolio.tokens import token_hash
from tests.factories import Entries, World, make_experience


def statement(session: Session, learner: User, section: str, text: str, position: int = 0,
              status: StatementStatus = StatementStatus.ACTIVE) -> PassportStatement:
    found = PassportStatement(school_id=learner.school_id, learner_id=learner.id, section=section, text=text,
                              symbol="water-plants", position=position, status=status.value)
    session.add(found)
    session.flush()
    return found


class Sam:
    """Sam, his TA and a passport with two sections (one suggestion waiting) in an app context."""

    def __init__(self, world: World, entries: Entries) -> None:
        self.session = db.session()
        self.learner: User = self.session.get(User, world.learner.id)  # type: ignore[assignment]
        self.ta: User = self.session.get(User, world.ta.id)  # type: ignore[assignment]
        self.shared: Experience = self.session.get(Experience, entries.shared.id)  # type: ignore[assignment]
        self.draft_id = entries.draft.id
        self.photo_id = entries.photo_id
        statement(self.session, self.learner, "likes", "I like plants", position=1)
        statement(self.session, self.learner, "likes", "I do not like loud music", position=0)
        statement(self.session, self.learner, "about-me", "My name is Sam")
        statement(self.session, self.learner, "hopes", "A suggestion", status=StatementStatus.SUGGESTED)
        self.session.commit()

    def link(self, **overrides: object) -> sharing.IssuedLink:
        args: dict = {"audience": "Green Fingers Garden Centre", "sections": ["likes"],
                      "experience_ids": [self.shared.id], "days": 30}
        args.update(overrides)
        issued = sharing.create_link(self.session, self.learner, self.ta, **args)
        self.session.commit()
        return issued


@pytest.fixture
def sam(app: Flask, world: World, entries: Entries):
    with app.app_context():
        yield Sam(world, entries)


def test_only_the_hash_of_the_token_is_stored(sam: Sam) -> None:
    issued = sam.link()
    row = sam.session.get(ShareLink, issued.link.id)
    assert row is not None and row.token_hash == token_hash(issued.token)
    assert len(issued.token) >= 32
    stored = " ".join(str(v) for v in sam.session.execute(select(ShareLink.__table__)).one())
    assert issued.token not in stored
    assert sharing.find_by_token(sam.session, issued.token).state is LinkState.ACTIVE


def test_links_last_30_days_unless_staff_choose_7_or_90(sam: Sam) -> None:
    default = sam.link(days=None).link
    assert default.expires_at - default.created_at == timedelta(days=30)
    for days in (7, 90, "7"):
        made = sam.link(days=days).link
        assert made.expires_at - made.created_at == timedelta(days=int(days))
    for bad in (1, 365, "forever", "-7"):
        with pytest.raises(ShareError, match="7, 30 or 90"):
            sam.link(days=bad)


def test_passport_sections_come_in_template_order_with_active_statements_only(sam: Sam) -> None:
    choices = sharing.passport_sections(sam.session, sam.learner)
    assert [c.section.value for c in choices] == ["about-me", "likes"]
    assert [s.text for s in choices[1].statements] == ["I do not like loud music", "I like plants"]


@pytest.mark.parametrize("overrides, message", [
    ({"audience": "   "}, "who this is for"),
    ({"audience": "\x00\n\t"}, "who this is for"),
    ({"sections": ["hopes"]}, "passport sections shown"),  # only a suggestion there
    ({"sections": ["not-a-section"]}, "passport sections shown"),
    ({"sections": [], "experience_ids": []}, "at least one"),
    ({"experience_ids": ["abc"]}, "entries shown"),
])
def test_kind_messages_for_what_cannot_be_shared(sam: Sam, overrides: dict, message: str) -> None:
    with pytest.raises(ShareError, match=message):
        sam.link(**overrides)


def test_unshared_and_other_learners_entries_cannot_be_chosen(sam: Sam, world: World) -> None:
    with pytest.raises(ShareError, match="checked and shared"):
        sam.link(experience_ids=[sam.draft_id])
    other = sam.session.get(User, world.other_learner.id)
    theirs = make_experience(sam.session, other, other, ExperienceStatus.SHARED)
    with pytest.raises(ShareError, match="checked and shared"):
        sam.link(experience_ids=[theirs.id])


def test_hostile_audience_text_is_cleaned_and_over_long_text_refused(sam: Sam) -> None:
    made = sam.link(audience="  <script>alert(1)</script>\x07\nGarden\u202e   centre ").link
    assert made.audience == "<script>alert(1)</script> Garden\u202e centre"  # escaped on the page
    with pytest.raises(sharing.ShareError, match="Who it is for is too long. Please use 120 letters or fewer."):
        sam.link(audience="Garden centre " + "x" * sharing.MAX_AUDIENCE)


def test_states_expired_revoked_unknown_and_learner_moved(sam: Sam, world: World) -> None:
    issued = sam.link()
    now = utcnow()
    assert sharing.find_by_token(sam.session, issued.token, now + timedelta(days=31)).state is LinkState.EXPIRED
    assert sharing.find_by_token(sam.session, "not-a-token").state is LinkState.UNKNOWN
    assert sharing.find_by_token(sam.session, "").state is LinkState.UNKNOWN
    assert sharing.find_by_token(sam.session, "x" * 5000).state is LinkState.UNKNOWN
    assert sharing.revoke(sam.session, sam.learner, issued.link.id)
    assert not sharing.revoke(sam.session, sam.learner, issued.link.id)  # twice changes nothing
    assert sharing.find_by_token(sam.session, issued.token).state is LinkState.REVOKED

    moved = sam.link()
    sam.learner.school_id = world.other_school.id
    sam.session.flush()
    lookup = sharing.find_by_token(sam.session, moved.token)
    assert lookup.state is LinkState.UNKNOWN and lookup.link is None


def test_revoke_only_reaches_this_learners_links(sam: Sam, world: World) -> None:
    issued = sam.link()
    other = sam.session.get(User, world.other_learner.id)
    assert not sharing.revoke(sam.session, other, issued.link.id)
    assert sharing.find_by_token(sam.session, issued.token).state is LinkState.ACTIVE


def test_page_shows_the_chosen_sections_and_still_shared_entries(sam: Sam) -> None:
    issued = sam.link(sections=["likes"])
    page = sharing.page_for(sam.session, issued.link)
    assert [c.section.value for c in page.sections] == ["likes"]
    assert [e.id for e in page.experiences] == [sam.shared.id]
    assert page.show_photos is False
    # Sent back after sharing: the entry leaves the page at once; a statement taken out too.
    sam.shared.status = ExperienceStatus.WAITING.value
    for item in page.sections[0].statements:
        item.status = StatementStatus.DECLINED.value
    sam.session.flush()
    again = sharing.page_for(sam.session, issued.link)
    assert again.experiences == [] and again.sections == []


def test_photos_need_outside_school_consent(sam: Sam) -> None:
    issued = sam.link()
    assert sharing.photo_for(sam.session, issued.link, sam.photo_id) is None
    consent.set_consent(sam.session, sam.learner, sam.ta, ConsentAnswers(True, True, True))
    assert sharing.page_for(sam.session, issued.link).show_photos
    assert sharing.photo_for(sam.session, issued.link, sam.photo_id) is not None
    consent.set_consent(sam.session, sam.learner, sam.ta, ConsentAnswers(True, True, False))
    assert sharing.photo_for(sam.session, issued.link, sam.photo_id) is None


def test_photos_and_voices_only_of_entries_on_this_link(sam: Sam) -> None:
    consent.set_consent(sam.session, sam.learner, sam.ta, ConsentAnswers(True, True, True))
    passport_only = sam.link(experience_ids=[]).link
    assert sharing.photo_for(sam.session, passport_only, sam.photo_id) is None
    assert sharing.voice_for(sam.session, passport_only, sam.shared.id) is None
    with_entry = sam.link().link
    assert sharing.voice_for(sam.session, with_entry, sam.shared.id) is not None
    assert sharing.photo_for(sam.session, with_entry, 999_999) is None


def test_access_log_counts_and_last_opening(sam: Sam) -> None:
    first, second = sam.link(), sam.link(audience="Riverside College")
    sharing.record_access(sam.session, first.link, "page", "Mozilla/5.0 (iPad)\r\n" + "y" * 500)
    sharing.record_access(sam.session, first.link, "photo", None)
    sam.session.commit()
    rows = {row.link.id: row for row in sharing.links_for(sam.session, sam.learner)}
    assert rows[first.link.id].access_count == 2 and rows[first.link.id].last_access is not None
    assert rows[second.link.id].access_count == 0 and rows[second.link.id].last_access is None
    logged = sam.session.scalars(select(ShareAccess).order_by(ShareAccess.id)).all()
    assert [a.what for a in logged] == ["page", "photo"]
    assert "\r" not in logged[0].client and len(logged[0].client) <= sharing.MAX_CLIENT
    with pytest.raises(ValueError):
        sharing.record_access(sam.session, first.link, "password", "x")


def test_links_list_shows_states_newest_first(sam: Sam) -> None:
    old = sam.link(audience="Old").link
    old.created_at = utcnow() - timedelta(days=40)
    old.expires_at = utcnow() - timedelta(days=10)
    stopped = sam.link(audience="Stopped").link
    sharing.revoke(sam.session, sam.learner, stopped.id)
    live = sam.link(audience="Live").link
    states = [(row.link.audience, row.state) for row in sharing.links_for(sam.session, sam.learner)]
    assert states[-1] == ("Old", LinkState.EXPIRED)
    assert ("Stopped", LinkState.REVOKED) in states and ("Live", LinkState.ACTIVE) in states
    assert live.id in {row.link.id for row in sharing.links_for(sam.session, sam.learner)}


def test_speech_tokens_only_speak_through_their_own_link(sam: Sam) -> None:
    one, two = sam.link().link, sam.link(audience="Riverside College").link
    token = sharing.speech_token("test-secret", one, "I  like\nplants")
    assert sharing.text_from_speech_token("test-secret", one, token) == "I like plants"
    assert sharing.text_from_speech_token("test-secret", two, token) is None
    assert sharing.text_from_speech_token("test-secret", one, token[:-2] + "xx") is None
    assert sharing.text_from_speech_token("test-secret", one, "WzEsIlNhbSJd.forged") is None
