"""Access matrix cases for the transition plan."""
from __future__ import annotations

from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import User
from portfolio.plans import service as transition_plan
from tests.factories import Entries, World
from tests.web.policy_matrix import SUPPORT, Case, everyone, support

# Reading: the learner, their parent, their TA and the admin.
VIEW = SUPPORT | {"learner": 200, "parent": 200}


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        assert learner is not None
        plan = transition_plan.start_year(session, learner, 9)
        option = transition_plan.add_option(plan, [], "college", "Catering at Riverside College", "", [])
        step = transition_plan.add_next_step(plan, "Priya", "Book a college visit", "")
        session.commit()
        return {"plan_id": plan.id, "option_id": option.id, "next_step_id": step.id}


CASES = [
    Case("plans.plan", "GET", lambda w: f"/learners/{w.learner.id}/plan", VIEW),
    Case("plans.start_year", "POST", lambda w: f"/learners/{w.learner.id}/plan/years", support(302),
         lambda w: {"year_group": "10"}),
    Case("plans.words", "POST", lambda w: f"/learners/{w.learner.id}/plan/{w.plan_id}/words", support(302),
         lambda w: {"aspirations": "I want to work with animals."}),
    Case("plans.add_option", "POST", lambda w: f"/learners/{w.learner.id}/plan/{w.plan_id}/options", support(302),
         lambda w: {"kind": "internship", "title": "Supported internship at the hospital"}),
    # The first member of staff takes the option away, so the admin after finds nothing there.
    Case("plans.remove_option", "POST",
         lambda w: f"/learners/{w.learner.id}/plan/{w.plan_id}/options/{w.option_id}/remove",
         everyone(403, anonymous=302, ta=302, admin=400, other_school_admin=404)),
    Case("plans.add_step", "POST", lambda w: f"/learners/{w.learner.id}/plan/{w.plan_id}/steps", support(302),
         lambda w: {"who": "Nina", "what": "Visit the college open day", "by_when": "2027-02-01"}),
    Case("plans.step_status", "POST",
         lambda w: f"/learners/{w.learner.id}/plan/{w.plan_id}/steps/{w.next_step_id}", support(302),
         lambda w: {"status": "done"}),
]
