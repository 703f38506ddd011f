"""Erasing a learner, or one entry: a confirm page where the careers leader types the learner's name."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, render_template, request, url_for

from portfolio import db
from portfolio.erasure import service as erasure
from portfolio.errors import KindError
from portfolio.media import serving as media
from portfolio.models import Experience, User
from portfolio.web import hx, policy

bp = Blueprint("erasure", __name__)


def _after_commit(result: erasure.Erasure) -> None:
    """Files and cached speech go only once the rows are gone for good."""
    media.commit(db.session(), result.change)
    erasure.forget_speech(Path(current_app.config["SPEECH_CACHE_DIR"]))


@bp.route("/staff/learners/<int:learner_id>/erase", methods=["GET", "POST"])
@policy.guard("learner.erase", arg="learner_id")
def learner(learner: User):
    dbs = db.session()
    if request.method == "GET":
        return render_template("erasure/learner.html", learner=learner, plan=erasure.plan_learner(dbs, learner))
    try:
        result = erasure.erase_learner(dbs, learner, policy.actor(), request.form.get("name", ""))
    except KindError as refused:
        dbs.rollback()
        return render_template("erasure/learner.html", learner=learner, error=refused.message,
                               plan=erasure.plan_learner(dbs, learner)), 400
    _after_commit(result)
    flash("The learner and everything kept about them have been erased.")
    return hx.redirect_to(url_for("admin.people"))


@bp.route("/experiences/<int:experience_id>/erase", methods=["GET", "POST"])
@policy.guard("experience.erase", arg="experience_id")
def entry(experience: Experience):
    dbs = db.session()
    if request.method == "GET":
        return render_template("erasure/entry.html", entry=experience, plan=erasure.plan_entry(dbs, experience))
    learner_id = experience.learner_id
    try:
        result = erasure.erase_entry(dbs, experience, policy.actor(), request.form.get("name", ""))
    except KindError as refused:
        dbs.rollback()
        return render_template("erasure/entry.html", entry=experience, error=refused.message,
                               plan=erasure.plan_entry(dbs, experience)), 400
    _after_commit(result)
    flash("The entry, its photos and recordings have been erased.")
    return hx.redirect_to(url_for("staff.learner", learner_id=learner_id))
