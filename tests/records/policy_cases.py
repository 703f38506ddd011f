"""The access matrix for learner records, leaving and destinations.

Records and destinations belong to the staff who support the learner (their group's TA and the
careers leader); learners and families never reach them. The follow-ups list is for all staff,
each seeing only their own learners.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import User
from portfolio.records import service as records
from tests.factories import Entries, World, make_learner
from tests.web.policy_matrix import STAFF_ONLY, SUPPORT, Case, support


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    """A leaver in Sam's group who agreed to keep in touch, with a follow-up overdue. A new learner,
    so that the world's own learners stay signed in for every other case."""
    with app.app_context():
        session = db.session()
        ta = session.get(User, world.ta.id)
        leaver = make_learner(session, ta.school, world.group, "fox", "Leo Hughes")
        left_on = date.today() - timedelta(days=400)
        records.leave(session, ta, leaver, records.LeavingForm(
            left_on=left_on.isoformat(), keep_in_touch="yes", by="family", consent_on=left_on.isoformat(),
            destination=records.DestinationForm("education", "1", "Riverside College")), date.today())
        follow_up = next(d for d in records.destinations_of(session, leaver) if d.checkpoint == 1)
        session.commit()
        return {"leaver_id": leaver.id, "follow_up_id": follow_up.id}


def _record(w: Any) -> str:
    return f"/records/learners/{w.learner.id}"


RECORD_FORM = {"date_of_birth": "2011-03-04", "year_override": "", "upn": "A123456789012", "need_area": "semh"}
FOLLOW_UP_FORM = {"recorded_on": date.today().isoformat(), "how_found": "family", "category": "employment",
                  "hours": "16-29", "provider": "Sunrise Cafe"}

CASES = [
    Case("records.record", "GET", _record, SUPPORT),
    Case("records.record", "POST", _record, support(302), lambda w: RECORD_FORM),
    Case("records.record", "POST", _record, support(400), lambda w: {"date_of_birth": "1900-01-01"}),
    Case("records.leaving", "GET", lambda w: f"/records/learners/{w.learner.id}/leaving", SUPPORT),
    # Empty: refused with a kind message, and the learner stays signed in for the rest of the matrix.
    Case("records.leaving", "POST", lambda w: f"/records/learners/{w.learner.id}/leaving", support(400),
         lambda w: {"left_on": date.today().isoformat()}),
    Case("records.destinations", "GET", lambda w: f"/records/learners/{w.learner.id}/destinations", SUPPORT),
    Case("records.destinations", "GET", lambda w: f"/records/learners/{w.leaver_id}/destinations", SUPPORT),
    Case("records.follow_up", "POST",
         lambda w: f"/records/learners/{w.leaver_id}/destinations/{w.follow_up_id}", support(302),
         lambda w: {f"d{w.follow_up_id}-{key}": value for key, value in FOLLOW_UP_FORM.items()}),
    # Another learner's destination through Sam's address finds nothing.
    Case("records.follow_up", "POST",
         lambda w: f"/records/learners/{w.learner.id}/destinations/{w.follow_up_id}", support(404)),
    Case("records.due", "GET", lambda w: "/records/follow-ups", STAFF_ONLY),
]
