"""The access matrix for the careers programme: planning, attendance, guidance and evidence pages."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import ActivityKind, ActivityParticipant, CareersActivity, Employer, User
from tests.factories import Entries, World
from tests.web.policy_matrix import STAFF_ONLY, SUPPORT, VIEW_SHARED, Case, support

# The learner, their family and their staff see the learner's activities and evidence.
LEARNER_VIEW = VIEW_SHARED


def _activity(session: Any, learner: User, by: User, kind: ActivityKind, employer: Employer | None = None
              ) -> CareersActivity:
    activity = CareersActivity(school_id=learner.school_id, kind=kind.value, title=kind.label,
                               employer_id=employer.id if employer else None, starts_on=date.today(),
                               benchmarks=kind.default_benchmarks, created_by_id=by.id)
    activity.participants = [ActivityParticipant(school_id=learner.school_id, learner_id=learner.id)]
    session.add(activity)
    session.flush()
    return activity


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        learner, ta = session.get(User, world.learner.id), session.get(User, world.ta.id)
        employer = Employer(school_id=learner.school_id, name="Oak Lane Farm Shop")
        session.add(employer)
        session.flush()
        placement = _activity(session, learner, ta, ActivityKind.PLACEMENT, employer)
        meeting = _activity(session, learner, ta, ActivityKind.GUIDANCE)
        to_cancel = _activity(session, learner, ta, ActivityKind.VISIT, employer)
        session.commit()
        return {"careers_employer_id": employer.id, "placement_id": placement.id, "cancel_id": to_cancel.id,
                "guidance_participant_id": meeting.participants[0].id}


def _plan(w: Any) -> dict[str, Any]:
    return {"kind": "visit", "title": "Visit to the garden centre", "employer_id": str(w.careers_employer_id),
            "starts_on": date.today().isoformat(), "learner": str(w.learner.id), "benchmarks_choice": "usual"}


# Planning for Sam works for Sam's TA and the admin; another TA and another school get the form back.
PLANNED = support(302) | {"other_ta": 400, "other_school_admin": 400}

CASES = [
    Case("careers.home", "GET", lambda w: "/careers/", STAFF_ONLY),
    Case("careers.new_activity", "GET", lambda w: "/careers/activities/new", STAFF_ONLY),
    Case("careers.new_activity", "POST", lambda w: "/careers/activities/new", PLANNED, _plan),
    Case("careers.activity", "GET", lambda w: f"/careers/activities/{w.placement_id}", LEARNER_VIEW),
    Case("careers.attendance", "POST", lambda w: f"/careers/activities/{w.placement_id}/attendance", support(302),
         lambda w: {f"attendance-{w.learner.id}": "attended"}),
    Case("careers.guidance", "POST", lambda w: f"/careers/participants/{w.guidance_participant_id}/guidance",
         support(302),
         lambda w: {"discussed": "Sam likes plants", "who-1": "Sam", "what-1": "Visit the college open day",
                    "by-when-1": "2027-03-01", "year_group": "10"}),
    Case("careers.cancel", "POST", lambda w: f"/careers/activities/{w.cancel_id}/cancel", support(302)),
    Case("careers.evidence", "GET", lambda w: f"/careers/learners/{w.learner.id}/evidence", LEARNER_VIEW),
    Case("careers.evidence_detail", "GET", lambda w: f"/careers/learners/{w.learner.id}/evidence/6", LEARNER_VIEW),
    Case("careers.evidence_detail", "GET", lambda w: f"/careers/learners/{w.learner.id}/evidence/9",
         {k: (404 if v == 200 else v) for k, v in LEARNER_VIEW.items()}),
    Case("careers.evidence", "GET", lambda w: f"/careers/learners/{w.other_school_learner.id}/evidence",
         SUPPORT | {"ta": 404, "admin": 404, "other_school_admin": 200, "learner": 404, "other_learner": 404,
                    "other_ta": 404, "parent": 404, "other_parent": 404}),
]
