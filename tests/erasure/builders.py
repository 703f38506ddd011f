"""A learner with something in every table that can hold their data, for the erasure tests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from portfolio.media import recordings
from portfolio.media.storage import MediaStore
from portfolio.media.voice import ingest_voice
from portfolio.models import (
    ActivityParticipant,
    Destination,
    EmployerFeedback,
    Experience,
    ImportRecord,
    LearnerRecord,
    NextStep,
    PassportStatement,
    PlanOption,
    TransitionPlan,
    User,
    utcnow,
)
from portfolio.people import access, consent
from portfolio.people.consent import ConsentAnswers
from portfolio.reviews import service as reviews
from portfolio.sharing import service as sharing
from portfolio.tokens import new_token, token_hash
from tests.factories import Entries, World, make_activity, make_employer

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"


@dataclass
class Everything:
    statement_id: int
    plan_id: int
    pack_id: int
    link_id: int
    feedback_id: int


def _voice(session: Session, store: MediaStore, owner: object) -> None:
    stored = ingest_voice((FIXTURES / "voice_chrome.webm").read_bytes(), store, f"voice/{owner.school_id}")  # type: ignore[attr-defined]
    recordings.attach(session, owner, stored)  # type: ignore[arg-type]


def _plan(session: Session, learner: User, entry: Experience) -> TransitionPlan:
    plan = TransitionPlan(school_id=learner.school_id, learner_id=learner.id, year_group=11,
                          aspirations="I want to work with plants")
    session.add(plan)
    session.flush()
    option = PlanOption(plan_id=plan.id, kind="other", title="Garden centre")
    option.experiences.append(entry)
    session.add_all([option, NextStep(plan_id=plan.id, who="Sam", what="Visit the college")])
    return plan


def _feedback(session: Session, store: MediaStore, learner: User) -> EmployerFeedback:
    activity = make_activity(session, learner.school, [learner], employer=make_employer(session, learner.school))
    participant = session.query(ActivityParticipant).filter_by(activity_id=activity.id).one()
    feedback = EmployerFeedback(school_id=learner.school_id, participant_id=participant.id,
                                token_hash=token_hash(new_token()), went_well="Sam was careful with the plants",
                                expires_at=utcnow() + timedelta(days=30))
    session.add(feedback)
    session.flush()
    _voice(session, store, feedback)
    return feedback


def fill_every_table(session: Session, store: MediaStore, world: World, entries: Entries) -> Everything:
    """Passport (with a voice and evidence), plan, a final review pack, a share link that was opened,
    employer feedback with a voice, consent, record, destination and an import record."""
    learner = session.get(User, world.learner.id)
    ta = session.get(User, world.ta.id)
    shared = session.get(Experience, entries.shared.id)
    assert learner is not None and ta is not None and shared is not None
    statement = PassportStatement(school_id=learner.school_id, learner_id=learner.id, section="likes",
                                  text="I like plants", position=0)
    statement.evidence.append(shared)
    session.add(statement)
    session.flush()
    _voice(session, store, statement)
    plan = _plan(session, learner, shared)
    consent.set_consent(session, learner, ta, ConsentAnswers(True, True, True))
    issued = sharing.create_link(session, learner, ta, audience="Green Fingers", sections=["likes"],
                                 experience_ids=[shared.id])
    sharing.record_access(session, issued.link, "page", "Safari on iPad")
    feedback = _feedback(session, store, learner)
    access.save_settings(session, learner, {"text_size": "large", "symbol_mode": "symbols-and-text",
                                            "scan_mode": "one-switch", "scan_seconds": "2.0", "scan_speaks": "on"})
    session.add_all([
        LearnerRecord(learner_id=learner.id, school_id=learner.school_id, left_on=date(2019, 7, 19), upn="A123"),
        Destination(school_id=learner.school_id, learner_id=learner.id, checkpoint=0, due_on=date(2019, 7, 19),
                    provider="Riverside College"),
        ImportRecord(school_id=learner.school_id, export_uid="0" * 36, learner_id=learner.id),
    ])
    pack = reviews.create(session, learner, ta, "2026-01-01", "2026-12-31")
    session.flush()
    written = reviews.finalise(session, store, pack, ta)
    assert written, "the final pack copied the entry's photo and recording"
    session.commit()
    return Everything(statement.id, plan.id, pack.id, issued.link.id, feedback.id)
