"""The access matrix for the communication passport: every passport route for every kind of person.

``w.statement_id`` is an active statement of the world's learner (with a recording and an entry as
evidence); ``w.suggestion_id`` is their parent's suggestion, waiting for staff.
"""
from __future__ import annotations

from typing import Any

from flask import Flask

from portfolio import db
from portfolio.media import recordings
from portfolio.media.storage import media_store
from portfolio.media.voice import ingest_voice
from portfolio.models import User
from portfolio.passport import service as passport
from tests.conftest import FIXTURES
from tests.factories import Entries, World
from tests.web.policy_matrix import (
    EDIT,
    SUPPORT,
    VIEW_SHARED,
    Case,
    edit,
    everyone,
    support,
)

PARENT_ONLY = everyone(403, anonymous=302, parent=200)


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        parent = session.get(User, world.parent.id)
        assert learner is not None and parent is not None
        statement = passport.add_own(session, learner, learner, "likes", "I like plants")
        recordings.attach(session, statement, ingest_voice((FIXTURES / "voice_chrome.webm").read_bytes(),
                                                            media_store(), f"voice/{learner.school_id}"))
        passport.link_evidence(session, statement, entries.shared.id)
        suggestion = passport.suggest(session, learner, parent, "strengths", "Sam is good at sorting")
        session.commit()
        return {"statement_id": statement.id, "suggestion_id": suggestion.id}


def _base(w: Any) -> str:
    return f"/passport/{w.learner.id}"


CASES: list[Case] = [
    Case("passport.show", "GET", lambda w: _base(w), VIEW_SHARED),
    Case("passport.profile", "GET", lambda w: f"{_base(w)}/print/profile", VIEW_SHARED),
    Case("passport.booklet", "GET", lambda w: f"{_base(w)}/print/booklet", VIEW_SHARED),
    Case("passport.pdf", "GET", lambda w: f"{_base(w)}/passport.pdf", VIEW_SHARED),
    Case("passport.voice", "GET", lambda w: f"{_base(w)}/statements/{w.statement_id}/voice", VIEW_SHARED),
    Case("passport.section", "GET", lambda w: f"{_base(w)}/sections/likes", EDIT),
    Case("passport.change_section", "POST", lambda w: f"{_base(w)}/sections/likes", edit(302),
         lambda w: {"toggle": "like-animals:on"}),
    Case("passport.statement", "GET", lambda w: f"{_base(w)}/statements/{w.statement_id}", EDIT),
    Case("passport.change_statement", "POST", lambda w: f"{_base(w)}/statements/{w.statement_id}", edit(302),
         lambda w: {"action": "text", "text": "I like plants and flowers"}),
    Case("passport.add_voice", "POST", lambda w: f"{_base(w)}/statements/{w.statement_id}/voice", edit(400)),
    Case("passport.remove_voice", "POST", lambda w: f"{_base(w)}/statements/{w.statement_id}/voice/remove",
         edit(302)),
    Case("passport.evidence", "POST", lambda w: f"{_base(w)}/statements/{w.statement_id}/evidence", support(302),
         lambda w: {"experience_id": str(w.draft.id), "action": "link"}),
    Case("passport.suggest_form", "GET", lambda w: f"{_base(w)}/suggest", PARENT_ONLY),
    Case("passport.suggest", "POST", lambda w: f"{_base(w)}/suggest", everyone(403, anonymous=302, parent=302),
         lambda w: {"section": "likes", "text": "Sam likes trains"}),
    Case("passport.suggestions", "GET", lambda w: f"{_base(w)}/suggestions", SUPPORT),
    Case("passport.review", "POST", lambda w: f"{_base(w)}/statements/{w.suggestion_id}/review", support(302),
         lambda w: {"decision": "accept"}),
]
