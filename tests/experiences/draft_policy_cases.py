"""The access matrix for throwing drafts away, the "Unfinished" list and staff clearing old drafts.

A family never throws anything away (403); another school's admin does not learn the learner exists
(404). A sent entry (``w.waiting``) is refused in words (400) even to those who may throw drafts away.
"""
from __future__ import annotations

from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import User
from tests.factories import Entries, World, make_experience
from tests.web.policy_matrix import EDIT, SUPPORT, Case, edit, support


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    """A second draft the learner throws away first in the matrix; everyone after finds it gone."""
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        assert learner is not None
        draft = make_experience(session, learner, learner)
        session.commit()
        return {"spare_draft_id": draft.id}


def _throw_away(experience_id: int, learner_id: int) -> str:
    return f"/learners/{learner_id}/drafts/{experience_id}/throw-away"


CASES = [
    Case("drafts.unfinished", "GET", lambda w: f"/learners/{w.learner.id}/unfinished", EDIT),
    Case("drafts.confirm_throw_away", "GET", lambda w: _throw_away(w.draft.id, w.learner.id), EDIT),
    Case("drafts.confirm_throw_away", "GET", lambda w: _throw_away(w.waiting.id, w.learner.id), edit(400)),
    # A sent entry is never thrown away, whoever asks.
    Case("drafts.throw_away", "POST", lambda w: _throw_away(w.waiting.id, w.learner.id), edit(400)),
    # The learner (first in the matrix) throws it away; the staff after them find it already gone.
    Case("drafts.throw_away", "POST", lambda w: _throw_away(w.spare_draft_id, w.learner.id),
         edit(400) | {"learner": 302}),
    Case("drafts.confirm_clear", "GET", lambda w: f"/learners/{w.learner.id}/unfinished/clear", SUPPORT),
    Case("drafts.clear", "POST", lambda w: f"/learners/{w.learner.id}/unfinished/clear", support(302)),
]
