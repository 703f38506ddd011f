"""Every change to a learner's data is recorded at the flush: one event per row added, changed or removed,
with the learner it belongs to, the changed column names (never their values) and who acted."""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.audit import log, owners
from portfolio.models import (
    AccessSetting,
    ActivityParticipant,
    AuditEvent,
    Destination,
    EmployerFeedback,
    Experience,
    ExperiencePhoto,
    ExperienceTag,
    FamilyComment,
    ImportRecord,
    LearnerRecord,
    LoginCard,
    MediaFile,
    NextStep,
    PassportStatement,
    PhotoConsent,
    PlanOption,
    ReviewMedia,
    ReviewPack,
    Role,
    ShareLink,
    TransitionPlan,
    User,
    utcnow,
)
from tests.conftest import sign_in_as
from tests.factories import World, make_activity, make_experience, make_learner

_unique = itertools.count(1)


@dataclass
class Ctx:
    """The rows the new rows hang from, made before counting starts."""

    learner: User
    parent: User
    entry: Experience
    plan: TransitionPlan
    pack: ReviewPack
    participant: ActivityParticipant
    media: list[MediaFile]

    @property
    def school_id(self) -> int:
        return self.learner.school_id

    def own(self) -> dict[str, int]:
        return {"school_id": self.school_id, "learner_id": self.learner.id}


def _hash() -> str:
    return f"{next(_unique):064d}"


def _later() -> Any:
    return utcnow() + timedelta(days=30)


# table -> (make the row, a column to change, its new value)
KINDS: dict[str, tuple[Callable[[Ctx], Any], str, Any]] = {
    "users": (lambda c: User(school_id=c.school_id, role=Role.LEARNER.value, display_name="New Learner"),
              "display_name", "Renamed Learner"),
    "login_cards": (lambda c: LoginCard(**c.own(), token_hash=_hash(), short_code_hash=_hash(), expires_at=_later()),
                    "revoked_at", utcnow()),
    "experiences": (lambda c: Experience(**c.own(), place="Cafe"), "place", "Library"),
    "experience_tags": (lambda c: ExperienceTag(experience_id=c.entry.id, scheme="did", value="serve-food"),
                        "position", 3),
    "experience_photos": (lambda c: ExperiencePhoto(experience_id=c.entry.id, display_id=c.media[0].id,
                                                    thumb_id=c.media[1].id, width=1, height=1, thumb_width=1,
                                                    thumb_height=1, sha256=_hash()), "position", 2),
    "family_comments": (lambda c: FamilyComment(school_id=c.school_id, experience_id=c.entry.id,
                                                author_id=c.parent.id, text="Lovely"), "text", "Lovely work"),
    "passport_statements": (lambda c: PassportStatement(**c.own(), section="likes", text="I like dogs"),
                            "text", "I like cats"),
    "photo_consents": (lambda c: PhotoConsent(**c.own()), "outside_school", True),
    "share_links": (lambda c: ShareLink(**c.own(), token_hash=_hash(), expires_at=_later()), "audience", "College"),
    "import_records": (lambda c: ImportRecord(**c.own(), export_uid=_hash()[:36]), "learner_id", None),
    "transition_plans": (lambda c: TransitionPlan(**c.own(), year_group=11), "aspirations", "A job with animals"),
    "plan_options": (lambda c: PlanOption(plan_id=c.plan.id, kind="college", title="Animal care"), "title", "Farm"),
    "next_steps": (lambda c: NextStep(plan_id=c.plan.id, who="Sam", what="Visit"), "status", "done"),
    "review_packs": (lambda c: ReviewPack(**c.own(), date_from=date(2026, 1, 1), date_to=date(2026, 6, 1)),
                     "working", "Reading"),
    "review_media": (lambda c: ReviewMedia(pack_id=c.pack.id, media_id=c.media[0].id), "media_id", None),
    "activity_participants": (lambda c: ActivityParticipant(
        **c.own(), activity_id=make_activity(db.session(), c.learner.school, []).id), "attendance", "attended"),
    "employer_feedback": (lambda c: EmployerFeedback(school_id=c.school_id, participant_id=c.participant.id,
                                                     token_hash=_hash(), expires_at=_later()),
                          "went_well", "Kind to customers"),
    "learner_records": (lambda c: LearnerRecord(**c.own()), "upn", "A123456789012"),
    "destinations": (lambda c: Destination(**c.own(), checkpoint=0, due_on=date(2026, 7, 1)),
                     "provider", "Riverside College"),
    "access_settings": (lambda c: AccessSetting(**c.own()), "scan_mode", "one-switch"),
}


def _context(dbs: Session, world: World) -> Ctx:
    school = world.school
    learner = make_learner(dbs, dbs.merge(school), None, "fox", "Leo Hughes")
    parent = dbs.get(User, world.parent.id)
    entry = make_experience(dbs, learner, learner)
    plan = TransitionPlan(school_id=school.id, learner_id=learner.id, year_group=10)
    pack = ReviewPack(school_id=school.id, learner_id=learner.id, date_from=date(2025, 1, 1), date_to=date(2025, 6, 1))
    media = [MediaFile(school_id=school.id, key=f"test/{_hash()}.jpg", content_type="image/jpeg") for _ in range(3)]
    dbs.add_all([plan, pack, *media])
    activity = make_activity(dbs, dbs.merge(school), [learner])
    dbs.flush()
    participant = dbs.scalar(select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id))
    dbs.commit()
    return Ctx(learner, parent, entry, plan, pack, participant, media)


def _events_since(dbs: Session, last: int) -> list[AuditEvent]:
    return list(dbs.scalars(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id)))


def _newest(dbs: Session) -> int:
    return dbs.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def _one_change(dbs: Session, ctx: Ctx, table: str) -> list[AuditEvent]:
    """Add, change and remove one row of ``table``; the events each step wrote."""
    make, column, value = KINDS[table]
    start = _newest(dbs)
    row = make(ctx)
    dbs.add(row)
    dbs.commit()
    if value is None:  # a column pointing at a row: point it at another
        value = ctx.media[2].id if column == "media_id" else ctx.parent.id if column == "learner_id" else None
        if table == "import_records":
            value = None  # unlink the learner: the import stays, but no longer says whose it was
    setattr(row, column, value)
    dbs.commit()
    dbs.delete(row)
    dbs.commit()
    return _events_since(dbs, start)


def test_one_change_of_each_kind_is_one_event_each(app: Flask, world: World) -> None:
    figures: Counter[tuple[str, str]] = Counter()
    with app.app_context():
        dbs = db.session()
        ctx = _context(dbs, world)
        for table, (_make, column, _value) in KINDS.items():
            events = _one_change(dbs, ctx, table)
            seen = [(e.action, e.record_kind) for e in events]
            assert seen == [("created", table), ("changed", table), ("removed", table)], table
            changed = events[1]
            assert changed.detail == column, table
            figures.update(seen)
            if table not in ("users", "import_records"):
                assert {e.learner_id for e in events} == {ctx.learner.id}, table
            assert {e.actor_role for e in events} == {log.SYSTEM}
        assert log.chain_breaks(dbs, ctx.school_id) == []
    assert set(owners.OWNERS) == {table for _action, table in figures}
    assert sum(figures.values()) == 3 * len(owners.OWNERS)
    print("\nrows audited per change kind:")
    for action in ("created", "changed", "removed"):
        print(f"  {action}: {sum(n for (a, _t), n in figures.items() if a == action)} rows, one per table")


def test_a_new_learner_account_is_the_learners_own_event_and_an_adults_is_the_schools(app: Flask,
                                                                                     world: World) -> None:
    with app.app_context():
        dbs = db.session()
        start = _newest(dbs)
        school = dbs.merge(world.school)
        learner = make_learner(dbs, school, None, "fox", "Mo Khan")
        dbs.commit()
        events = _events_since(dbs, start)
        assert [(e.action, e.record_kind, e.record_id, e.learner_id) for e in events] == [
            ("created", "users", learner.id, learner.id)]
        staff = dbs.get(User, world.ta.id)
        staff.display_name = "Priya Shah-Jones"
        start = _newest(dbs)
        dbs.commit()
        (event,) = _events_since(dbs, start)
        assert (event.record_id, event.learner_id, event.school_id, event.detail) == (staff.id, None, school.id,
                                                                                      "display_name")


def test_changes_name_columns_never_values(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        entry = make_experience(dbs, dbs.get(User, world.learner.id), dbs.get(User, world.learner.id))
        dbs.commit()
        start = _newest(dbs)
        entry.caption = "I fed the secret rabbit"
        entry.staff_note = "Needs quiet space"
        dbs.commit()
        (event,) = _events_since(dbs, start)
        assert event.detail == "caption, staff_note"
        assert "rabbit" not in event.detail and "quiet" not in event.detail


def test_removing_an_entry_removes_its_parts_on_the_trail_too(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        entry = make_experience(dbs, learner, learner)  # with two tags
        dbs.commit()
        tag_ids = sorted(tag.id for tag in entry.tags)
        start = _newest(dbs)
        entry.tags = entry.tags[:1]  # one tag taken off the list: removed as an orphan
        dbs.commit()
        assert [(e.action, e.record_kind, e.record_id, e.learner_id) for e in _events_since(dbs, start)] == [
            ("removed", "experience_tags", tag_ids[1], learner.id)]
        start = _newest(dbs)
        dbs.delete(entry)
        dbs.commit()
        assert sorted((e.action, e.record_kind) for e in _events_since(dbs, start)) == [
            ("removed", "experience_tags"), ("removed", "experiences")]


def test_linking_a_parent_and_evidence_are_recorded(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        other_parent = dbs.get(User, world.other_parent.id)
        start = _newest(dbs)
        other_parent.children.append(learner)
        dbs.commit()
        assert [(e.action, e.record_kind, e.record_id, e.learner_id) for e in _events_since(dbs, start)] == [
            ("created", "parent_links", other_parent.id, learner.id)]
        start = _newest(dbs)
        new_parent = User(school_id=learner.school_id, role=Role.PARENT.value, display_name="Ali Patel")
        new_parent.children.append(learner)  # a new account linked in the same flush
        dbs.add(new_parent)
        dbs.commit()
        assert [(e.action, e.record_kind, e.record_id, e.learner_id) for e in _events_since(dbs, start)] == [
            ("created", "users", new_parent.id, None), ("created", "parent_links", new_parent.id, learner.id)]
        start = _newest(dbs)
        learner.parents.remove(other_parent)
        dbs.commit()
        assert [(e.action, e.record_kind, e.record_id, e.learner_id) for e in _events_since(dbs, start)] == [
            ("removed", "parent_links", other_parent.id, learner.id)]
        statement = PassportStatement(school_id=learner.school_id, learner_id=learner.id, section="likes", text="x")
        dbs.add(statement)
        entry = make_experience(dbs, learner, learner)
        dbs.commit()
        start = _newest(dbs)
        statement.evidence.append(entry)
        dbs.commit()
        assert [(e.action, e.record_kind, e.detail) for e in _events_since(dbs, start)] == [
            ("changed", "passport_statements", "evidence")]


def test_a_change_that_rolls_back_leaves_no_event(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        start = _newest(dbs)
        learner = dbs.get(User, world.learner.id)
        learner.display_name = "Someone Else"
        dbs.flush()
        dbs.rollback()
        assert _events_since(dbs, start) == []
        learner.text_size = "large"
        dbs.commit()
        assert [e.detail for e in _events_since(dbs, start)] == ["text_size"]
        assert log.chain_breaks(dbs, learner.school_id) == []


def test_a_change_through_a_page_is_recorded_as_the_person_who_made_it(app: Flask, world: World, client,
                                                                       no_csrf) -> None:
    sign_in_as(client, world.ta)
    with app.app_context():
        start = _newest(db.session())
    response = client.post(f"/records/learners/{world.learner.id}",
                           data={"date_of_birth": "2011-03-04", "year_override": "", "upn": "A123456789012",
                                 "need_area": "semh"})
    assert response.status_code == 302
    with app.app_context():
        events = _events_since(db.session(), start)
    assert events[0].action == "created"
    assert {(e.record_kind, e.learner_id, e.actor_id, e.actor_role) for e in events} == {
        ("learner_records", world.learner.id, world.ta.id, "staff")}
    assert not any("A123456789012" in e.detail for e in events)
