"""Pages for parents and carers: their own children only."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from .. import policy
from ..models import User

bp = Blueprint("family", __name__, url_prefix="/family")


@bp.get("/")
@policy.guard("family.home")
def home():
    return render_template("family/home.html", children=list(current_user.children))


@bp.get("/learners/<int:learner_id>")
@policy.guard("learner.view", arg="learner_id")
def child(learner: User):
    return render_template("family/child.html", learner=learner)
