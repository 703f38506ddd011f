"""The access matrix for employer feedback.

The /feedback/f/ form is public, so every actor gets the same answer; what changes it is the
link: working, already read by staff, expired, stopped or wrong. Staff who support the learner
manage links and check feedback; the employer's voice note plays for staff at once and for the
learner and family only once it is checked.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from portfolio import db
from portfolio.feedback import service as feedback
from portfolio.feedback.service import FeedbackAnswers
from portfolio.media.storage import media_store
from portfolio.models import User, utcnow
from tests.factories import Entries, World
from tests.feedback.helpers import make_participant
from tests.media_fixtures import fixture_bytes
from tests.web.policy_matrix import SUPPORT, Case, everyone, support


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context(), app.test_request_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        ta = session.get(User, world.ta.id)
        store = media_store()
        voice = fixture_bytes("voice_chrome.webm")
        checked = make_participant(session, learner)
        unchecked = make_participant(session, learner, employer_name="Riverside Café")

        working = feedback.create_link(session, checked, ta)
        feedback.save_answers(session, store, working.feedback, FeedbackAnswers(went_well="Great"), voice)
        feedback.check(session, checked, ta)
        sent = feedback.create_link(session, unchecked, ta)
        feedback.save_answers(session, store, sent.feedback, FeedbackAnswers(went_well="Good"), voice)
        fresh = feedback.create_link(session, unchecked, ta)
        expired = feedback.create_link(session, unchecked, ta)
        expired.feedback.expires_at = utcnow() - timedelta(minutes=1)
        stopped = feedback.create_link(session, unchecked, ta)
        stopped.feedback.revoked_at = utcnow()
        session.commit()
        return {
            "feedback_participant_id": unchecked.id,
            "checked_participant_id": checked.id,
            "feedback_fresh_token": fresh.token,
            "feedback_read_token": working.token,
            "feedback_expired_token": expired.token,
            "feedback_stopped_token": stopped.token,
        }


def _form(token: str, rest: str = "") -> str:
    return f"/feedback/f/{token}{rest}"


def _staff(w: Any, rest: str = "", checked: bool = False) -> str:
    return f"/feedback/participants/{w.checked_participant_id if checked else w.feedback_participant_id}{rest}"


def _answers(w: Any) -> dict[str, str]:
    return {"went_well": "Kind and careful", "skill-skill-teamwork": "3", "offer_again": "yes"}


# The learner and their family hear the voice note only once staff have checked the feedback.
CHECKED_VOICE = SUPPORT | {"learner": 200, "parent": 200}

CASES = [
    # The public form: the link decides, not who is asking.
    Case("feedback.form", "GET", lambda w: _form(w.feedback_fresh_token), everyone(200)),
    Case("feedback.form", "GET", lambda w: _form(w.feedback_read_token), everyone(200)),
    Case("feedback.form", "GET", lambda w: _form(w.feedback_expired_token), everyone(410)),
    Case("feedback.form", "GET", lambda w: _form(w.feedback_stopped_token), everyone(410)),
    Case("feedback.form", "GET", lambda w: _form("not-a-real-token"), everyone(404)),
    Case("feedback.form", "POST", lambda w: _form(w.feedback_fresh_token), everyone(302), _answers),
    Case("feedback.form", "POST", lambda w: _form(w.feedback_read_token), everyone(409), _answers),
    Case("feedback.form", "POST", lambda w: _form(w.feedback_expired_token), everyone(410), _answers),
    Case("feedback.form", "POST", lambda w: _form(w.feedback_stopped_token), everyone(410), _answers),
    Case("feedback.form", "POST", lambda w: _form("not-a-real-token"), everyone(404), _answers),
    Case("feedback.hear", "GET", lambda w: _form(w.feedback_fresh_token, "/hear/WzEsIlNhbSJd.forged"), everyone(404)),
    Case("feedback.hear", "GET", lambda w: _form(w.feedback_expired_token, "/hear/WzEsIlNhbSJd.forged"),
         everyone(410)),
    Case("feedback.hear", "GET", lambda w: _form("not-a-real-token", "/hear/WzEsIlNhbSJd.forged"), everyone(404)),
    # Staff who support the learner.
    Case("feedback.participant", "GET", lambda w: _staff(w), SUPPORT),
    Case("feedback.make_link", "POST", lambda w: _staff(w, "/link"), support(302)),
    Case("feedback.card", "GET", lambda w: _staff(w, "/card"), SUPPORT),
    Case("feedback.check", "POST", lambda w: _staff(w, "/check"), support(302)),
    Case("feedback.stop", "POST", lambda w: _staff(w, "/stop"), support(302)),
    # The employer's voice note.
    Case("feedback.voice", "GET", lambda w: _staff(w, "/voice", checked=True), CHECKED_VOICE),
    Case("feedback.voice", "GET", lambda w: _staff(w, "/voice"), SUPPORT),
]
