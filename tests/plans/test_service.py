"""The transition plan service: years from Year 9, carried-forward words, options and next steps."""
from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from portfolio import db
from portfolio.models import ExperienceStatus, PfaArea, User
from portfolio.plans import service as transition_plan
from portfolio.plans.service import PlanError
from tests.factories import World, make_experience


@pytest.fixture
def session(app: Flask, world: World):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield db.session()


def _learner(session, world: World) -> User:  # type: ignore[no-untyped-def]
    learner = session.get(User, world.learner.id)
    assert learner is not None
    return learner


def test_years_are_kept_and_a_new_year_starts_from_the_last(session, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(session, world)
    year9 = transition_plan.start_year(session, learner, 9)
    transition_plan.update_words(year9, {"aspirations": "Work with animals", "health": "I see the nurse"})
    assert transition_plan.start_year(session, learner, 9).id == year9.id
    year10 = transition_plan.start_year(session, learner, 10)
    assert (year10.aspirations, year10.health) == ("Work with animals", "I see the nurse")
    transition_plan.update_words(year10, {"aspirations": "Work on a farm"})
    assert year9.aspirations == "Work with animals"  # earlier years do not change
    assert [p.year_group for p in transition_plan.plans_for(session, learner)] == [9, 10]
    with pytest.raises(PlanError):
        transition_plan.start_year(session, learner, 8)


def test_options_link_only_the_learners_own_experiences(session, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(session, world)
    other = session.get(User, world.other_learner.id)
    plan = transition_plan.start_year(session, learner, 11)
    taster = make_experience(session, learner, learner, ExperienceStatus.SHARED)
    theirs = make_experience(session, other, other, ExperienceStatus.SHARED)
    option = transition_plan.add_option(plan, [taster], "college", "Horticulture course", "", [taster.id, taster.id])
    assert option.experiences == [taster]
    with pytest.raises(PlanError):
        transition_plan.add_option(plan, [taster], "college", "Another", "", [theirs.id])
    for kind, title in (("party", "x"), ("college", "  ")):
        with pytest.raises(PlanError):
            transition_plan.add_option(plan, [taster], kind, title, "", [])
    session.flush()
    transition_plan.remove_option(plan, option.id)
    assert plan.options == []
    with pytest.raises(PlanError):
        transition_plan.remove_option(plan, option.id)


def test_next_steps_who_what_by_when_and_status(session, world: World) -> None:  # type: ignore[no-untyped-def]
    plan = transition_plan.start_year(session, _learner(session, world), 12)
    step = transition_plan.add_next_step(plan, "Nina", "Visit the college", "2027-03-01")
    session.flush()
    assert (step.by_when, step.status) == (date(2027, 3, 1), "planned")
    transition_plan.set_step_status(plan, step.id, "done")
    assert step.status_enum.label == "Done"
    for who, what, when in (("", "x", ""), ("x", "y", "soon")):
        with pytest.raises(PlanError):
            transition_plan.add_next_step(plan, who, what, when)
    with pytest.raises(PlanError):
        transition_plan.set_step_status(plan, step.id, "finished")
    assert {area.value for area in PfaArea} == {"employment", "independent_living", "community", "health"}
