"""The transition plan pages: everyone who may see the learner reads it; their staff write it."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.models import OptionKind, PfaArea, StepStatus, TransitionPlan, User
from portfolio.plans import service as transition_plan
from portfolio.plans.service import PlanError
from portfolio.school_years import year_group
from portfolio.web import policy
from portfolio.web.forms import form_ids

bp = Blueprint("plans", __name__)


def _page(learner: User, chosen: TransitionPlan | None = None, error: str | None = None, status: int = 200):
    dbs = db.session()
    plans = transition_plan.plans_for(dbs, learner)
    if chosen is None and plans:
        wanted = request.args.get("year", type=int)
        if wanted is None and learner.record is not None:  # open on the year the learner is in now
            wanted = year_group(learner.record.date_of_birth, learner.record.year_override, date.today())
        chosen = next((p for p in plans if p.year_group == wanted), plans[-1])
    return render_template(
        "plans/plan.html", learner=learner, plans=plans, plan=chosen, error=error,
        areas=list(PfaArea), option_kinds=list(OptionKind), step_statuses=list(StepStatus),
        year_groups=transition_plan.YEAR_GROUPS, year_label=transition_plan.year_label,
        learner_experiences=experiences.portfolio(dbs, learner),
        can_edit=policy.allows(policy.actor(), "plan.edit", learner),
    ), status


def _plan_or_404(learner: User, plan_id: int) -> TransitionPlan:
    plan = transition_plan.find_plan(db.session(), learner, plan_id)
    if plan is None:
        abort(404)
    return plan


def _back(learner: User, plan: TransitionPlan, anchor: str):
    return redirect(url_for("plans.plan", learner_id=learner.id, year=plan.year_group, _anchor=anchor))


@bp.get("/learners/<int:learner_id>/plan")
@policy.guard("plan.view", arg="learner_id")
def plan(learner: User):
    return _page(learner)


@bp.post("/learners/<int:learner_id>/plan/years")
@policy.guard("plan.edit", arg="learner_id")
def start_year(learner: User):
    try:
        started = transition_plan.start_year(db.session(), learner, request.form.get("year_group", type=int) or 0)
    except PlanError as problem:
        db.session().rollback()
        return _page(learner, error=problem.message, status=400)
    db.session().commit()
    return _back(learner, started, "plan-words")


def _change(learner: User, plan_id: int, anchor: str, change) -> object:  # type: ignore[no-untyped-def]
    """Run one change to a year's plan; a problem is shown on the page with nothing saved."""
    chosen = _plan_or_404(learner, plan_id)
    try:
        change(chosen)
    except PlanError as problem:
        db.session().rollback()
        return _page(learner, chosen=_plan_or_404(learner, plan_id), error=problem.message, status=400)
    db.session().commit()
    return _back(learner, chosen, anchor)


@bp.post("/learners/<int:learner_id>/plan/<int:plan_id>/words")
@policy.guard("plan.edit", arg="learner_id")
def words(learner: User, plan_id: int):
    return _change(learner, plan_id, "plan-words", lambda p: transition_plan.update_words(p, request.form))


@bp.post("/learners/<int:learner_id>/plan/<int:plan_id>/options")
@policy.guard("plan.edit", arg="learner_id")
def add_option(learner: User, plan_id: int):
    ids = form_ids(request.form.getlist("experience"))
    mine = experiences.portfolio(db.session(), learner)
    return _change(learner, plan_id, "plan-options", lambda p: transition_plan.add_option(
        p, mine, request.form.get("kind", ""), request.form.get("title", ""), request.form.get("notes", ""), ids))


@bp.post("/learners/<int:learner_id>/plan/<int:plan_id>/options/<int:option_id>/remove")
@policy.guard("plan.edit", arg="learner_id")
def remove_option(learner: User, plan_id: int, option_id: int):
    return _change(learner, plan_id, "plan-options", lambda p: transition_plan.remove_option(p, option_id))


@bp.post("/learners/<int:learner_id>/plan/<int:plan_id>/steps")
@policy.guard("plan.edit", arg="learner_id")
def add_step(learner: User, plan_id: int):
    return _change(learner, plan_id, "plan-steps", lambda p: transition_plan.add_next_step(
        p, request.form.get("who", ""), request.form.get("what", ""), request.form.get("by_when", "")))


@bp.post("/learners/<int:learner_id>/plan/<int:plan_id>/steps/<int:step_id>")
@policy.guard("plan.edit", arg="learner_id")
def step_status(learner: User, plan_id: int, step_id: int):
    return _change(learner, plan_id, "plan-steps", lambda p: transition_plan.set_step_status(
        p, step_id, request.form.get("status", "")))
