"""Pages for parents and carers: their own children only."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from portfolio import db
from portfolio.careers import evidence
from portfolio.careers import service as careers
from portfolio.experiences import service as experiences
from portfolio.models import ExperienceStatus, User
from portfolio.people import consent
from portfolio.reviews import service as annual_review
from portfolio.web import policy

bp = Blueprint("family", __name__, url_prefix="/family")


@bp.get("/")
@policy.guard("family.home")
def home():
    return render_template("family/home.html", children=list(current_user.children))


@bp.get("/learners/<int:learner_id>")
@policy.guard("learner.view", arg="learner_id")
def child(learner: User):
    shared = experiences.portfolio(db.session(), learner, statuses=[ExperienceStatus.SHARED])
    final_packs = [p for p in annual_review.packs_for(db.session(), learner) if p.is_final]
    show_photos = consent.allows(db.session(), learner, consent.ConsentUse.WITH_FAMILY)
    today = experiences.today()
    return render_template("family/child.html", learner=learner, entries=shared, final_packs=final_packs,
                           show_photos=show_photos, today=today,
                           coming_up=careers.upcoming_for_learner(db.session(), learner, today, days=14),
                           evidence=evidence.learner_evidence(db.session(), learner, today))
