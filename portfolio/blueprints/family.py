"""Pages for parents and carers: their own children only."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from .. import db, experiences, policy
from ..models import ExperienceStatus, User

bp = Blueprint("family", __name__, url_prefix="/family")


@bp.get("/")
@policy.guard("family.home")
def home():
    return render_template("family/home.html", children=list(current_user.children))


@bp.get("/learners/<int:learner_id>")
@policy.guard("learner.view", arg="learner_id")
def child(learner: User):
    shared = experiences.portfolio(db.session(), learner, statuses=[ExperienceStatus.SHARED])
    return render_template("family/child.html", learner=learner, entries=shared)
