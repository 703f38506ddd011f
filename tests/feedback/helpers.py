"""Objects the feedback tests share: a placement at Green Fingers with the world's learner on it."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from portfolio.models import ActivityParticipant, CareersActivity, Employer, User

EMPLOYER_NAME = "Green Fingers"


def make_participant(session: Session, learner: User, *, employer_name: str = EMPLOYER_NAME,
                     activity: CareersActivity | None = None) -> ActivityParticipant:
    """The learner on a work placement (a new one unless ``activity`` is given), straight through the models
    so these tests do not depend on the careers pages being built."""
    if activity is None:
        employer = Employer(school_id=learner.school_id, name=employer_name, sector="garden-centre")
        session.add(employer)
        session.flush()
        activity = CareersActivity(school_id=learner.school_id, kind="placement", title="Work placement",
                                   employer_id=employer.id, starts_on=date(2026, 6, 12), benchmarks=[5, 6])
        session.add(activity)
        session.flush()
    participant = ActivityParticipant(school_id=learner.school_id, activity_id=activity.id, learner_id=learner.id)
    session.add(participant)
    session.flush()
    return participant
