"""Access matrix cases for annual review packs (and the public QR audio link)."""
from __future__ import annotations

from typing import Any

from flask import Flask

from portfolio import db
from portfolio.media.storage import media_store
from portfolio.models import Experience, User
from portfolio.reviews import service as annual_review
from tests.factories import Entries, World
from tests.web.policy_matrix import SUPPORT, Case, everyone, support

# A final pack: the learner, their parent and their staff. A draft: their staff only (others 404).
VIEW_FINAL = SUPPORT | {"learner": 200, "parent": 200}
VIEW_DRAFT = SUPPORT | {"learner": 404, "parent": 404}


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        learner, ta = session.get(User, world.learner.id), session.get(User, world.ta.id)
        assert learner is not None and ta is not None
        shared = session.get(Experience, entries.shared.id)
        assert shared is not None and shared.start_date is not None
        day = shared.start_date.isoformat()
        draft = annual_review.create(session, learner, ta, day, day)
        final = annual_review.create(session, learner, ta, day, day)
        annual_review.finalise(session, media_store(), final, ta)
        session.commit()
        document = final.snapshot or {}
        voice = document["done"][0]["voice"]
        photo = document["done"][0]["photo"]["media"]
        return {"draft_pack": draft.id, "final_pack": final.id, "final_voice": voice, "final_photo": photo,
                "audio_token": annual_review.audio_token(app.config["SECRET_KEY"], final, voice)}


CASES = [
    Case("reviews.packs", "GET", lambda w: f"/learners/{w.learner.id}/reviews", SUPPORT),
    Case("reviews.packs", "POST", lambda w: f"/learners/{w.learner.id}/reviews", support(302),
         lambda w: {"date_from": "2026-01-01", "date_to": "2026-12-31"}),
    Case("reviews.pack", "GET", lambda w: f"/learners/{w.learner.id}/reviews/{w.final_pack}", VIEW_FINAL),
    Case("reviews.pack", "GET", lambda w: f"/learners/{w.learner.id}/reviews/{w.draft_pack}", VIEW_DRAFT),
    Case("reviews.edit", "POST", lambda w: f"/learners/{w.learner.id}/reviews/{w.draft_pack}/edit", support(302),
         lambda w: {"questions": "Can I go to college?"}),
    Case("reviews.finalise", "POST", lambda w: f"/learners/{w.learner.id}/reviews/{w.draft_pack}/finalise",
         support(302)),
    Case("reviews.pack_media", "GET",
         lambda w: f"/learners/{w.learner.id}/reviews/{w.final_pack}/media/{w.final_photo}", VIEW_FINAL),
    # Making the PDF starts a job and goes to its page.
    Case("reviews.pdf", "POST", lambda w: f"/learners/{w.learner.id}/reviews/{w.final_pack}/pdf",
         {k: (303 if v == 200 else v) for k, v in VIEW_FINAL.items()}),
    # A QR link on paper plays for anyone who holds it, until it expires.
    Case("reviews.audio", "GET", lambda w: f"/review-audio/{w.audio_token}", everyone(200)),
    Case("reviews.audio", "GET", lambda w: "/review-audio/forged-token", everyone(410)),
]
