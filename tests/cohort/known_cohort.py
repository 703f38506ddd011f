"""A small school with known careers evidence, packs and leavers, shared by the cohort and report tests.

Dates are worked out from today, because the pages count up to today. The expected figures are
written out by hand in ``EXPECTED`` so that a test fails when the counting changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from portfolio.models import (
    ActivityKind,
    Destination,
    DestinationCategory,
    EmployerFeedback,
    ExperienceKind,
    ExperienceStatus,
    LearnerRecord,
    NeedArea,
    ReviewPack,
    ReviewStatus,
    User,
)
from portfolio.school_years import school_year
from tests.factories import (
    World,
    make_activity,
    make_employer,
    make_experience,
    make_learner,
)


@dataclass
class KnownCohort:
    today: date
    sam: User
    ruby: User
    alex: User
    leavers: list[User]


def _record(session: Session, learner: User, **values: object) -> LearnerRecord:
    record = LearnerRecord(school_id=learner.school_id, learner_id=learner.id, **values)
    session.add(record)
    session.flush()
    return record


def _leaver(session: Session, world: World, name: str, left_on: date, category: DestinationCategory | None) -> User:
    learner = make_learner(session, world.school, world.group, name=name)
    learner.active = False
    _record(session, learner, left_on=left_on)
    if category is not None:
        session.add(Destination(school_id=learner.school_id, learner_id=learner.id, checkpoint=0, due_on=left_on,
                                recorded_on=left_on, category=category.value))
    return learner


def build(session: Session, world: World, today: date | None = None) -> KnownCohort:
    """Sam (Oak, Year 10, EHC plan), Ruby (Willow, Year 12, nothing yet) and Alex (Oak, Year 8), and
    three leavers: two who left last summer (one in education, one NEET), one the summer before (not known)."""
    today = today or date.today()
    year = school_year(today)
    start = date(year, 9, 1)
    sam, ruby = session.get(User, world.learner.id), session.get(User, world.other_learner.id)
    assert sam is not None and ruby is not None
    alex = make_learner(session, world.school, world.group, name="Alex Moore")
    garden = make_employer(session, world.school)
    college = make_employer(session, world.school, name="City College", sector=None)
    _record(session, sam, year_override=10, ehc_plan=True, need_area=NeedArea.COMMUNICATION.value,
            annual_review_on=today + timedelta(days=20))
    _record(session, ruby, year_override=12, need_area=NeedArea.SEMH.value, annual_review_on=today + timedelta(days=10))
    alex_review = max(start, today - timedelta(days=10))
    _record(session, alex, date_of_birth=date(year - 13, 10, 1), annual_review_on=alex_review)
    make_activity(session, world.school, [sam], kind=ActivityKind.EMPLOYER_TALK, employer=garden, starts_on=start,
                  attended=True)
    placement = make_activity(session, world.school, [sam], kind=ActivityKind.PLACEMENT, employer=garden,
                              starts_on=start, days=2, attended=True)
    make_activity(session, world.school, [sam], kind=ActivityKind.PROVIDER_ENCOUNTER, employer=college,
                  starts_on=date(year - 1, 10, 1), attended=True)
    make_activity(session, world.school, [sam], kind=ActivityKind.GUIDANCE, starts_on=date(year - 1, 11, 1),
                  attended=True)
    make_activity(session, world.school, [alex], kind=ActivityKind.PROVIDER_ENCOUNTER, employer=college,
                  starts_on=start, attended=True)
    # Planned but not attended, and attended but in the future: neither counts.
    make_activity(session, world.school, [ruby], kind=ActivityKind.VISIT, employer=garden, starts_on=start)
    make_activity(session, world.school, [ruby], kind=ActivityKind.VISIT, employer=garden,
                  starts_on=today + timedelta(days=3), attended=True)
    make_experience(session, sam, sam, ExperienceStatus.SHARED, kind=ExperienceKind.VISIT, place="Fire station",
                    on=start)
    make_experience(session, ruby, ruby, ExperienceStatus.DRAFT, kind=ExperienceKind.PLACEMENT, on=start)
    participant = placement.participants[0] if placement.participants else None
    assert participant is not None
    now = datetime.combine(today, datetime.min.time())
    session.add(EmployerFeedback(school_id=world.school.id, participant_id=participant.id, token_hash="known-1",
                                 expires_at=now + timedelta(days=30), submitted_at=now))
    session.add(ReviewPack(school_id=ruby.school_id, learner_id=ruby.id, date_from=today - timedelta(days=300),
                           date_to=today, left_out=[], created_at=now - timedelta(days=2)))
    finalised = datetime.combine(alex_review - timedelta(days=20), datetime.min.time())
    session.add(ReviewPack(school_id=alex.school_id, learner_id=alex.id, date_from=alex_review - timedelta(days=365),
                           date_to=alex_review - timedelta(days=21), left_out=[], status=ReviewStatus.FINAL.value,
                           created_at=finalised - timedelta(days=1), finalised_at=finalised))
    leavers = [
        _leaver(session, world, "Lee Banks", date(year, 7, 15), DestinationCategory.EDUCATION),
        _leaver(session, world, "Mo Ali", date(year, 7, 20), DestinationCategory.NEET),
        _leaver(session, world, "Kim Shaw", date(year - 1, 7, 10), None),
    ]
    session.commit()
    return KnownCohort(today, sam, ruby, alex, leavers)
