"""The learner's own pages. Big pictures, few words, everything can be heard."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from portfolio import db
from portfolio.careers import evidence
from portfolio.careers import service as careers
from portfolio.experiences import service as experiences
from portfolio.web import policy

bp = Blueprint("learner", __name__, url_prefix="/me")


@bp.get("/")
@policy.guard("learner.home")
def home():
    dbs = db.session()
    today = experiences.today()
    recorded = experiences.recorded_activity_ids(dbs, current_user)
    return render_template(
        "learner/home.html",
        learner=current_user,
        today=today,
        activities=[a for a in careers.upcoming_for_learner(dbs, current_user, today) if a.id not in recorded],
        evidence=evidence.learner_evidence(dbs, current_user, today),
        draft=experiences.latest_draft(dbs, current_user),
        entries=experiences.portfolio(dbs, current_user),
    )
