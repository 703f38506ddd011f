"""Throwing away a draft after a yes/no check, the "Unfinished" list, and staff clearing old drafts.

Every answer is a page (no fragments): each is one decision, and a double tap on Yes lands on a
kind "already thrown away" page rather than an error.
"""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user

from portfolio import db
from portfolio.experiences import drafts
from portfolio.experiences.drafts import DraftError
from portfolio.media import serving as media
from portfolio.models import Role, User, utcnow
from portfolio.web import hx, policy

bp = Blueprint("drafts", __name__)

# Where "No, keep it" and a finished throw-away go back to.
CAME_FROM = frozenset({"home", "unfinished"})


def _came_from() -> str:
    value = request.values.get("from", "home")
    return value if value in CAME_FROM else "home"


def _back_url(learner: User, came_from: str) -> str:
    if came_from == "unfinished":
        return url_for("drafts.unfinished", learner_id=learner.id)
    if current_user.role_enum is Role.LEARNER:
        return url_for("learner.home")
    return url_for("staff.learner", learner_id=learner.id)


def _refused(learner: User, problem: DraftError):
    return render_template("experiences/drafts/refused.html", learner=learner, message=problem.message,
                           back_url=_back_url(learner, _came_from())), 400


@bp.get("/learners/<int:learner_id>/unfinished")
@policy.guard("draft.throw_away", arg="learner_id")
def unfinished(learner: User):
    """The drafts folded into the "Unfinished" card, each with Carry on and Throw it away."""
    found = drafts.unfinished(db.session(), learner, utcnow())
    return render_template("experiences/drafts/unfinished.html", learner=learner, unfinished=found,
                           back_url=_back_url(learner, "home"))


@bp.get("/learners/<int:learner_id>/drafts/<int:experience_id>/throw-away")
@policy.guard("draft.throw_away", arg="learner_id")
def confirm_throw_away(learner: User, experience_id: int):
    try:
        draft = drafts.find_draft(db.session(), learner, experience_id)
    except DraftError as problem:
        return _refused(learner, problem)
    came_from = _came_from()
    return render_template("experiences/drafts/confirm.html", learner=learner, draft=draft, came_from=came_from,
                           back_url=_back_url(learner, came_from))


@bp.post("/learners/<int:learner_id>/drafts/<int:experience_id>/throw-away")
@policy.guard("draft.throw_away", arg="learner_id")
def throw_away(learner: User, experience_id: int):
    dbs = db.session()
    try:
        change = drafts.throw_away(dbs, learner, experience_id, policy.actor())
    except DraftError as problem:
        dbs.rollback()
        return _refused(learner, problem)
    media.commit(dbs, change)
    return hx.redirect_to(_back_url(learner, _came_from()))


@bp.get("/learners/<int:learner_id>/unfinished/clear")
@policy.guard("drafts.clear", arg="learner_id")
def confirm_clear(learner: User):
    count = drafts.count_unfinished(db.session(), learner, utcnow())
    return render_template("experiences/drafts/clear.html", learner=learner, count=count,
                           days=drafts.UNFINISHED_AFTER.days)


@bp.post("/learners/<int:learner_id>/unfinished/clear")
@policy.guard("drafts.clear", arg="learner_id")
def clear(learner: User):
    dbs = db.session()
    count, change = drafts.clear_unfinished(dbs, learner, policy.actor(), utcnow())
    media.commit(dbs, change)
    flash("No unfinished entries were left to clear." if count == 0 else
          f"{count} unfinished {'entry was' if count == 1 else 'entries were'} thrown away.")
    return hx.redirect_to(url_for("staff.learner", learner_id=learner.id))
