"""Photo consent: the careful default, saving all three answers, and the check other areas call."""
from __future__ import annotations

import pytest
from flask import Flask

from portfolio import db
from portfolio.models import PhotoConsent, User
from portfolio.people import consent
from portfolio.people.consent import ConsentAnswers, ConsentUse
from tests.factories import World


def _people(world: World) -> tuple[User, User]:
    session = db.session()
    return session.get(User, world.learner.id), session.get(User, world.ta.id)  # type: ignore[return-value]


def test_without_answers_photos_stay_in_school_and_family(app: Flask, world: World) -> None:
    with app.app_context():
        learner, _ta = _people(world)
        session = db.session()
        assert consent.allows(session, learner, ConsentUse.IN_SCHOOL)
        assert consent.allows(session, learner, "with-family")
        assert not consent.allows(session, learner, ConsentUse.OUTSIDE_SCHOOL)
        assert not consent.is_saved(session, learner)
        # Reading the default must not write a row.
        assert session.get(PhotoConsent, learner.id) is None


def test_unknown_uses_are_refused(app: Flask, world: World) -> None:
    with app.app_context():
        learner, _ta = _people(world)
        assert not consent.allows(db.session(), learner, "on-the-internet")
        assert not consent.allows(db.session(), learner, "")


def test_saving_records_every_answer_and_who_gave_it(app: Flask, world: World) -> None:
    with app.app_context():
        learner, ta = _people(world)
        session = db.session()
        consent.set_consent(session, learner, ta, ConsentAnswers(in_school=False, with_family=True, outside_school=True))
        session.commit()
        saved = session.get(PhotoConsent, learner.id)
        assert saved is not None and saved.updated_by_id == ta.id and saved.school_id == learner.school_id
        assert not consent.allows(session, learner, ConsentUse.IN_SCHOOL)
        assert consent.allows(session, learner, ConsentUse.OUTSIDE_SCHOOL)
        consent.set_consent(session, learner, ta, ConsentAnswers(in_school=True, with_family=False, outside_school=False))
        session.commit()
        assert session.query(PhotoConsent).count() == 1
        assert consent.allows(session, learner, ConsentUse.IN_SCHOOL)
        assert not consent.allows(session, learner, ConsentUse.WITH_FAMILY)
        assert not consent.allows(session, learner, ConsentUse.OUTSIDE_SCHOOL)


def test_consent_is_per_learner(app: Flask, world: World) -> None:
    with app.app_context():
        learner, ta = _people(world)
        session = db.session()
        other = session.get(User, world.other_learner.id)
        consent.set_consent(session, learner, ta, ConsentAnswers(True, True, True))
        assert not consent.allows(session, other, ConsentUse.OUTSIDE_SCHOOL)


def test_only_learners_have_consent(app: Flask, world: World) -> None:
    with app.app_context():
        _learner, ta = _people(world)
        with pytest.raises(ValueError):
            consent.set_consent(db.session(), ta, ta, ConsentAnswers(True, True, True))
