"""The access matrix for entries (work experiences): making, checking, media and family comments. ``w.draft``, ``w.waiting`` and ``w.shared`` belong to the world's learner."""
from __future__ import annotations

from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import School, User
from tests.factories import Entries, World, make_activity, make_employer
from tests.web.policy_matrix import (
    EDIT,
    SUPPORT,
    VIEW_SHARED,
    Case,
    edit,
    everyone,
    support,
)


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    """A placement today for the world's learner, so the learner's one-tap entry can be tried."""
    with app.app_context():
        session = db.session()
        school = session.get(School, world.school.id)
        learner = session.get(User, world.learner.id)
        assert school is not None and learner is not None
        activity = make_activity(session, school, [learner], employer=make_employer(session, school))
        session.commit()
        return {"activity_id": activity.id}


CASES = [
    # Only the learner taking part starts their own entry from a planned activity.
    Case("experiences.from_activity", "POST", lambda w: f"/experiences/from-activity/{w.activity_id}",
         everyone(403, anonymous=302, learner=302)),
    # Experiences. ``w.draft``, ``w.waiting`` and ``w.shared`` belong to the world's learner.
    Case("experiences.start", "POST", lambda w: f"/experiences/start/{w.learner.id}",
         everyone(403, anonymous=302, learner=302, ta=302, admin=302, other_school_admin=404)),
    Case("experiences.carry_on", "GET", lambda w: "/experiences/continue",
         everyone(403, anonymous=302, learner=302, other_learner=302)),
    Case("experiences.step", "GET", lambda w: f"/experiences/{w.draft.id}/steps/kind", EDIT),
    Case("experiences.step", "POST", lambda w: f"/experiences/{w.draft.id}/steps/kind", edit(302),
         lambda w: {"choose": "visit"}),
    Case("experiences.add_photos", "POST", lambda w: f"/experiences/{w.draft.id}/photos", edit(400)),
    Case("experiences.change_photo", "POST", lambda w: f"/experiences/{w.shared.id}/photos/{w.photo_id}",
         support(302), lambda w: {"action": "down"}),
    Case("experiences.add_voice", "POST", lambda w: f"/experiences/{w.draft.id}/voice", edit(400)),
    Case("experiences.remove_voice", "POST", lambda w: f"/experiences/{w.draft.id}/voice/remove", edit(302)),
    Case("experiences.send", "POST", lambda w: f"/experiences/{w.draft.id}/send", edit(302)),
    Case("experiences.sent", "GET", lambda w: f"/experiences/{w.waiting.id}/sent", EDIT),
    Case("experiences.show", "GET", lambda w: f"/experiences/{w.shared.id}", VIEW_SHARED),
    Case("experiences.show", "GET", lambda w: f"/experiences/{w.waiting.id}", EDIT),
    Case("experiences.photo", "GET", lambda w: f"/experiences/{w.shared.id}/photos/{w.photo_id}/thumb", VIEW_SHARED),
    Case("experiences.voice", "GET", lambda w: f"/experiences/{w.shared.id}/voice", VIEW_SHARED),
    Case("experiences.comment_voice", "GET",
         lambda w: f"/experiences/{w.shared.id}/comments/{w.comment_id}/voice", VIEW_SHARED),
    Case("experiences.edit", "GET", lambda w: f"/experiences/{w.draft.id}/edit", SUPPORT),
    Case("experiences.details", "POST", lambda w: f"/experiences/{w.draft.id}/details", support(302),
         lambda w: {"help_level": "prompts", "staff_note": "Needed help with the till."}),
    Case("experiences.check", "POST", lambda w: f"/experiences/{w.waiting.id}/check", support(302),
         lambda w: {"decision": "send-back", "note": "photos"}),
    Case("experiences.caption_symbol", "GET", lambda w: f"/experiences/{w.shared.id}/caption-symbol?word=plants",
         SUPPORT),
    Case("experiences.caption_symbol", "POST", lambda w: f"/experiences/{w.shared.id}/caption-symbol", support(302),
         lambda w: {"word": "plants", "symbol": "none"}),
    Case("experiences.add_comment", "POST", lambda w: f"/experiences/{w.shared.id}/comments",
         everyone(403, anonymous=302, parent=302), lambda w: {"text": "Lovely photo"}),
    Case("experiences.pass_on", "POST", lambda w: f"/experiences/{w.shared.id}/comments/{w.comment_id}/pass-on",
         support(302)),
]
