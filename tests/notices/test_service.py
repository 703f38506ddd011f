"""Notices raised where things happen, each person's choices, the list and count, the digests and the
one-tap unsubscribe, read straight from the services and the database."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portfolio import db
from portfolio.errors import KindError
from portfolio.experiences import comments
from portfolio.experiences import service as experiences
from portfolio.feedback import service as feedback
from portfolio.feedback.service import FeedbackAnswers
from portfolio.media.storage import media_store
from portfolio.models import (
    ActivityParticipant,
    LearnerRecord,
    MailMessage,
    Notice,
    Role,
    User,
    utcnow,
)
from portfolio.notices import kinds, mailing, raising, service
from portfolio.tokens import token_hash
from tests.factories import Entries, World, make_activity, make_adult, make_experience

BASE = "https://portfolio.school.example"


def _notices(dbs, kind: str | None = None) -> list[Notice]:  # type: ignore[no-untyped-def]
    query = select(Notice).order_by(Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return list(dbs.scalars(query))


def _who(notices: list[Notice]) -> set[int]:
    return {n.user_id for n in notices}


def test_defaults_are_calm_and_by_role(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        assert service.preferences(dbs, dbs.get(User, world.parent.id)) == {kinds.NEW_SHARED_ENTRY: kinds.EACH}
        assert set(service.preferences(dbs, dbs.get(User, world.ta.id)).values()) == {kinds.DAILY}
        leader = service.preferences(dbs, dbs.get(User, world.admin.id))
        assert leader[kinds.FAMILY_COMMENT] == kinds.WEEKLY and leader[kinds.REVIEW_DUE] == kinds.DAILY
        assert service.preferences(dbs, dbs.get(User, world.learner.id)) == {}


def test_a_choice_is_kept_and_a_strange_one_refused(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        service.save_choices(dbs, ta, {kinds.FAMILY_COMMENT: kinds.NONE, kinds.ENTRY_TO_CHECK: kinds.EACH})
        assert service.preferences(dbs, ta)[kinds.FAMILY_COMMENT] == kinds.NONE
        assert service.preferences(dbs, ta)[kinds.ENTRY_TO_CHECK] == kinds.EACH
        with pytest.raises(KindError):
            service.save_choices(dbs, ta, {kinds.FAMILY_COMMENT: "hourly"})
        with pytest.raises(KindError):  # a family kind is not a staff choice
            service.set_frequency(dbs, ta, kinds.NEW_SHARED_ENTRY, kinds.EACH)


def test_sharing_an_entry_tells_only_that_learners_family(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        entry = make_experience(dbs, dbs.get(User, world.learner.id), ta)
        dbs.commit()
        experiences.approve(entry, ta, "own")
        dbs.commit()
        told = _notices(dbs, kinds.NEW_SHARED_ENTRY)
        assert _who(told) == {world.parent.id}
        assert told[0].record_kind == "experiences" and told[0].record_id == entry.id
        experiences.approve(entry, ta, "own")  # a second tap on an entry already shared
        dbs.commit()
        assert len(_notices(dbs, kinds.NEW_SHARED_ENTRY)) == 1


def test_events_for_staff_go_to_the_learners_group_staff_and_leader(app: Flask, world: World,
                                                                    entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        comment_notices = _notices(dbs, kinds.FAMILY_COMMENT)  # the fixture's comment from home
        assert _who(comment_notices) == {world.ta.id, world.admin.id}
        learner = dbs.get(User, world.learner.id)
        draft = dbs.get(type(entries.draft), entries.draft.id)
        experiences.send_to_check(draft)
        dbs.commit()
        assert _who(_notices(dbs, kinds.ENTRY_TO_CHECK)) == {world.ta.id, world.admin.id}
        assert world.other_ta.id not in _who(_notices(dbs))
        assert {n.learner_id for n in _notices(dbs)} == {learner.id}


def test_the_person_who_acted_is_not_told_of_their_own_act(app: Flask, world: World, entries: Entries) -> None:
    from portfolio.audit import act_as

    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        act_as(dbs, ta)
        entry = make_experience(dbs, dbs.get(User, world.learner.id), ta)
        dbs.commit()
        before = len(_notices(dbs, kinds.ENTRY_TO_CHECK))
        experiences.send_to_check(entry)
        dbs.commit()
        assert _who(_notices(dbs, kinds.ENTRY_TO_CHECK)[before:]) == {world.admin.id}


def test_employer_feedback_arriving_tells_staff_once(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        activity = make_activity(dbs, world.school, [dbs.get(User, world.learner.id)])
        participant = dbs.scalar(select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id))
        row = feedback.create_link(dbs, participant, dbs.get(User, world.ta.id)).feedback
        dbs.commit()
        answers = FeedbackAnswers(author_name="Jo", skills={}, went_well="Kind to customers", work_on="",
                                  offer_again="yes")
        feedback.save_answers(dbs, media_store(), row, answers)
        dbs.commit()
        feedback.save_answers(dbs, media_store(), row, answers)  # a change before staff read it
        dbs.commit()
        told = _notices(dbs, kinds.EMPLOYER_FEEDBACK)
        assert _who(told) == {world.ta.id, world.admin.id}
        assert told[0].record_kind == "activity_participants" and told[0].record_id == participant.id


def test_rows_made_already_shared_are_history_not_news(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        assert _notices(db.session(), kinds.NEW_SHARED_ENTRY) == []  # the fixture made one shared


def test_a_rolled_back_change_tells_nobody(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        draft = dbs.get(type(entries.draft), entries.draft.id)
        experiences.send_to_check(draft)
        dbs.flush()
        dbs.rollback()
        assert _notices(dbs, kinds.ENTRY_TO_CHECK) == []


def test_the_list_marks_notices_seen_and_the_count_clears(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        assert service.unseen_count(dbs, ta) == 1
        first = service.look_at_notices(dbs, ta, utcnow())
        dbs.commit()
        assert [line.is_new for line in first] == [True]
        assert "Sam" in first.items[0].text and "Patel" not in first.items[0].text
        assert service.unseen_count(dbs, ta) == 0
        again = service.look_at_notices(dbs, ta, utcnow())
        assert [line.is_new for line in again] == [False]


def test_the_list_is_read_a_page_at_a_time(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        for _ in range(15):
            dbs.add(Notice(school_id=world.school.id, user_id=world.parent.id, learner_id=world.learner.id,
                           kind=kinds.NEW_SHARED_ENTRY, record_kind="experiences", record_id=None))
        dbs.commit()
        parent = dbs.get(User, world.parent.id)
        first = service.look_at_notices(dbs, parent, utcnow())
        second = service.look_at_notices(dbs, parent, utcnow(), first.next_cursor)
        assert len(first) == 12 and len(second) == 3 and not second.has_more
        assert {line.notice.id for line in first}.isdisjoint({line.notice.id for line in second})


def test_unsubscribe_switches_off_then_back_on(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        service.set_frequency(dbs, ta, kinds.ENTRY_TO_CHECK, kinds.EACH)
        token = service.new_unsubscribe(dbs, ta, [kinds.FAMILY_COMMENT, kinds.ENTRY_TO_CHECK])
        dbs.commit()
        link, switched = service.unsubscribe(dbs, token, utcnow())
        assert [k.key for k in switched] == [kinds.FAMILY_COMMENT, kinds.ENTRY_TO_CHECK]
        assert service.preferences(dbs, ta)[kinds.ENTRY_TO_CHECK] == kinds.NONE
        service.unsubscribe(dbs, token, utcnow())  # a second tap keeps what to put back
        service.switch_back_on(dbs, token)
        chosen = service.preferences(dbs, ta)
        assert chosen[kinds.ENTRY_TO_CHECK] == kinds.EACH and chosen[kinds.FAMILY_COMMENT] == kinds.DAILY
        assert link.token_hash == token_hash(token) and token not in str(link.__dict__)


@pytest.mark.parametrize("guess", ["", "x", "a" * 32, "%00", "../settings"])
def test_an_unknown_token_is_refused_kindly(app: Flask, world: World, guess: str) -> None:
    with app.app_context(), pytest.raises(KindError):
        service.unsubscribe(db.session(), guess, utcnow())


def _staff_news(dbs, world: World, entries: Entries) -> None:  # type: ignore[no-untyped-def]
    """One more comment from home and two entries to check for Sam; one entry to check for Ruby."""
    parent = dbs.get(User, world.parent.id)
    shared = dbs.get(type(entries.shared), entries.shared.id)
    comments.add(dbs, media_store(), shared, parent, "Lovely photos")
    dbs.commit()
    for learner_id, count in ((world.learner.id, 2), (world.other_learner.id, 1)):
        for _ in range(count):
            entry = make_experience(dbs, dbs.get(User, learner_id), dbs.get(User, learner_id))
            dbs.commit()
            experiences.send_to_check(entry)
            dbs.commit()


def test_a_daily_digest_groups_by_kind_then_first_name(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        _staff_news(dbs, world, entries)
        leader = dbs.get(User, world.admin.id)
        service.set_frequency(dbs, leader, kinds.ENTRY_TO_CHECK, kinds.DAILY)
        service.set_frequency(dbs, leader, kinds.FAMILY_COMMENT, kinds.DAILY)
        dbs.commit()
        assert mailing.send_digests(dbs, kinds.DAILY, BASE, utcnow()) == 3  # both TAs and the leader
        dbs.commit()
        sent = {m.user_id: m for m in dbs.scalars(select(MailMessage).where(MailMessage.kind == "digest"))}
        body = sent[world.admin.id].body_text
        assert body.index("Comments from families:") < body.index("Entries to check:")
        assert "- Families left 2 comments for Sam." in body
        assert "- Ruby sent an entry to check." in body and "- Sam sent 2 entries to check." in body
        assert body.index("- Ruby sent") < body.index("- Sam sent")
        assert "Lovely photos" not in body and "Well done" not in body and "Patel" not in body
        assert "Ruby" not in sent[world.ta.id].body_text  # not in the TA's group
        assert "Sam" not in sent[world.other_ta.id].body_text and "Ruby sent" in sent[world.other_ta.id].body_text
        assert mailing.send_digests(dbs, kinds.DAILY, BASE, utcnow()) == 0  # nothing new since


def test_none_and_seen_and_other_frequencies_send_nothing(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        _staff_news(dbs, world, entries)
        for ta_id in (world.ta.id, world.other_ta.id):
            service.save_choices(dbs, dbs.get(User, ta_id), {k: kinds.NONE for k in kinds.STAFF_KINDS})
        leader = dbs.get(User, world.admin.id)
        service.look_at_notices(dbs, leader, utcnow())  # seen in the app: no need to email them
        dbs.commit()
        assert mailing.send_digests(dbs, kinds.DAILY, BASE, utcnow()) == 0
        assert mailing.send_digests(dbs, kinds.WEEKLY, BASE, utcnow()) == 0
        assert mailing.email_each(dbs, [n.id for n in _notices(dbs)], BASE, utcnow()) == 0
        assert dbs.scalars(select(MailMessage)).all() == []


def test_each_sends_one_short_message_per_notice(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        entry = make_experience(dbs, dbs.get(User, world.learner.id), ta)
        entry.caption = "I watered the tomatoes"
        dbs.commit()
        experiences.approve(entry, ta, "own")
        dbs.commit()
        assert mailing.email_each(dbs, raising.take_raised(dbs), BASE, utcnow()) == 1
        dbs.commit()
        [message] = dbs.scalars(select(MailMessage)).all()
        assert message.to_address == world.parent.email and message.subject == "Sam has something new to show you"
        assert "tomatoes" not in message.body_text and "Garden Centre" not in message.body_text
        assert f"{BASE}/notices/{_notices(dbs, kinds.NEW_SHARED_ENTRY)[0].id}" in message.body_text
        assert f"{BASE}/notices/unsubscribe/" in message.body_text
        assert mailing.email_each(dbs, [n.id for n in _notices(dbs)], BASE, utcnow()) == 0  # not twice


def test_a_review_coming_up_is_raised_once_for_staff(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        today = date(2026, 11, 2)
        dbs.add(LearnerRecord(learner_id=world.learner.id, school_id=world.school.id,
                              annual_review_on=today + timedelta(days=20)))
        dbs.commit()
        raised = raising.raise_reviews_due(dbs, today)
        dbs.commit()
        assert _who(raised) == {world.ta.id, world.admin.id} and {n.learner_id for n in raised} == {world.learner.id}
        assert raising.raise_reviews_due(dbs, today + timedelta(days=1)) == []


def test_an_adult_with_an_unusable_address_is_skipped(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        parent = dbs.get(User, world.parent.id)
        parent.email = "nina@example.org\r\nBcc: everyone@example.org"
        ta = dbs.get(User, world.ta.id)
        entry = make_experience(dbs, dbs.get(User, world.learner.id), ta)
        dbs.commit()
        experiences.approve(entry, ta, "own")
        dbs.commit()
        assert mailing.email_each(dbs, raising.take_raised(dbs), BASE, utcnow()) == 0
        assert dbs.scalars(select(MailMessage)).all() == []


def test_a_new_adult_gets_their_roles_defaults(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        school = dbs.get(type(world.school), world.school.id)
        carer = make_adult(dbs, school, Role.PARENT)
        assert service.choices(dbs, carer)[0].frequency == kinds.EACH


def test_a_line_break_in_a_name_cannot_add_a_header(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        learner.display_name = "Sam\r\nBcc:everyone@example.org Patel"  # written past the form's cleaning
        ta = dbs.get(User, world.ta.id)
        entry = make_experience(dbs, learner, ta)
        dbs.commit()
        experiences.approve(entry, ta, "own")
        dbs.commit()
        assert mailing.email_each(dbs, raising.take_raised(dbs), BASE, utcnow()) == 1
        [message] = dbs.scalars(select(MailMessage)).all()
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.to_address == world.parent.email


def test_erasing_an_entry_or_a_learner_takes_their_notices(app: Flask, world: World, entries: Entries) -> None:
    from portfolio.erasure import service as erasure

    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        admin = dbs.get(User, world.admin.id)
        entry = make_experience(dbs, dbs.get(User, world.learner.id), ta)
        dbs.commit()
        experiences.approve(entry, ta, "own")
        dbs.commit()
        about_entry = [n.id for n in _notices(dbs) if n.record_id == entry.id]
        assert about_entry
        erasure.erase_entry(dbs, dbs.get(type(entry), entry.id), admin, "Sam Patel")
        dbs.commit()
        assert not [n for n in _notices(dbs) if n.id in about_entry]
        assert _notices(dbs)  # the comment from home is about another entry
        erasure.erase_learner(dbs, dbs.get(User, world.learner.id), admin, "Sam Patel")
        dbs.commit()
        assert _notices(dbs) == []
