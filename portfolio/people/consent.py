"""Photo consent: where a learner's photos may be shown.

Consent is asked for once per learner and checked every time a photo could be seen by
someone new: in school, by the family, or outside school (an employer, the next college).
A learner with no saved answer gets the cautious default that most schools' forms use:
photos in school and with the family, never outside school until someone says yes.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portfolio.models import PhotoConsent, Role, User, utcnow


class ConsentUse(str, enum.Enum):
    """Who would see the photos."""

    IN_SCHOOL = "in-school"
    WITH_FAMILY = "with-family"
    OUTSIDE_SCHOOL = "outside-school"

    @property
    def label(self) -> str:
        return {
            "in-school": "In school",
            "with-family": "With the family",
            "outside-school": "Outside school (employers and colleges)",
        }[self.value]

    @property
    def question(self) -> str:
        return {
            "in-school": "May photos be shown in school?",
            "with-family": "May photos be shown to the family?",
            "outside-school": "May photos be shown outside school, to employers and colleges?",
        }[self.value]

    @property
    def symbol(self) -> str:
        return {"in-school": "school", "with-family": "family", "outside-school": "kind-placement"}[self.value]

    @property
    def column(self) -> str:
        return {"in-school": "in_school", "with-family": "with_family", "outside-school": "outside_school"}[self.value]


@dataclass(frozen=True)
class ConsentAnswers:
    """The three yes/no answers, as a form gives them."""

    in_school: bool
    with_family: bool
    outside_school: bool


DEFAULT_ANSWERS = ConsentAnswers(in_school=True, with_family=True, outside_school=False)


def consent_for(session: Session, learner: User) -> PhotoConsent:
    """The learner's saved consent, or the default one (not added to the session) when none is saved."""
    saved = session.get(PhotoConsent, learner.id)
    if saved is not None:
        return saved
    return PhotoConsent(
        learner_id=learner.id,
        school_id=learner.school_id,
        in_school=DEFAULT_ANSWERS.in_school,
        with_family=DEFAULT_ANSWERS.with_family,
        outside_school=DEFAULT_ANSWERS.outside_school,
    )


def is_saved(session: Session, learner: User) -> bool:
    """Whether anyone has answered yet, so the page can say the answers are only the defaults."""
    return session.get(PhotoConsent, learner.id) is not None


def allows(session: Session, learner: User, use: ConsentUse | str) -> bool:
    """May this learner's photos be shown for ``use``? Unknown uses are refused, never guessed."""
    try:
        wanted = ConsentUse(use)
    except ValueError:
        return False
    return bool(getattr(consent_for(session, learner), wanted.column))


def set_consent(session: Session, learner: User, actor: User, answers: ConsentAnswers) -> PhotoConsent:
    """Save all three answers at once, recording who changed them."""
    if learner.role_enum is not Role.LEARNER:
        raise ValueError("only learners have photo consent")
    consent = session.get(PhotoConsent, learner.id)
    if consent is None:
        consent = PhotoConsent(learner_id=learner.id, school_id=learner.school_id)
        session.add(consent)
    consent.in_school = answers.in_school
    consent.with_family = answers.with_family
    consent.outside_school = answers.outside_school
    consent.updated_by_id = actor.id
    consent.updated_at = utcnow()
    session.flush()
    return consent
