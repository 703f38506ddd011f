"""The careers programme pages: planning activities, marking who took part, guidance meetings,
and each learner's Gatsby evidence (for the learner, their family and their staff)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from portfolio import db
from portfolio.careers import evidence as gatsby
from portfolio.careers import service as careers
from portfolio.errors import KindError
from portfolio.models import ActivityKind, ActivityParticipant, Attendance, CareersActivity, Role, User
from portfolio.plans.service import YEAR_GROUPS
from portfolio.school_years import school_year_label
from portfolio.web import hx, policy
from portfolio.web.forms import form_id, form_ids

bp = Blueprint("careers", __name__, url_prefix="/careers")

GUIDANCE_ROWS = 3


def _is_learner() -> bool:
    """Learners get the big (64 px) targets on every careers page they can open."""
    return policy.actor().role_enum is Role.LEARNER


def _audience() -> gatsby.Audience:
    role = policy.actor().role_enum
    return "learner" if role is Role.LEARNER else "family" if role is Role.PARENT else "staff"


@bp.get("/")
@policy.guard("activities.plan")
def home():
    lists = careers.activities_for(db.session(), policy.actor(), date.today())
    return render_template("careers/home.html", lists=lists, today=date.today())


def _new_page(form: MultiDict, error: str | None = None, status: int = 200) -> tuple[str, int]:
    choices = careers.planning_choices(db.session(), policy.actor(), date.today())
    kind = form.get("kind") if form.get("kind") in {k.value for k in ActivityKind} else ActivityKind.PLACEMENT.value
    return render_template(
        "careers/new.html", form=form, error=error, choices=choices, kind_options=_kind_options(),
        chosen_kind=ActivityKind(kind), benchmarks=careers.BENCHMARKS, titles=gatsby.TITLES,
    ), status


def _kind_options() -> list[tuple[str, str, str]]:
    """Each kind with its usual benchmarks beside it, so staff see what a choice counts for."""
    return [(kind.value, f"{kind.label} (benchmarks {' and '.join(str(b) for b in kind.default_benchmarks)})",
             kind.symbol) for kind in ActivityKind]


def _plan_arguments(form: MultiDict) -> dict[str, Any]:
    chosen = form.get("benchmarks_choice") == "chosen"
    return dict(
        kind=form.get("kind", ""), title=form.get("title", ""), employer_id=form_id(form.get("employer_id") or None),
        starts_on=form.get("starts_on", ""), ends_on=form.get("ends_on", ""), days=form.get("days", ""),
        learner_ids=form_ids(form.getlist("learner")),
        group_id=form_id(form.get("group_id") or None),
        benchmarks=form_ids(form.getlist("benchmark")) if chosen else None,
        benchmarks_reason=form.get("benchmarks_reason", ""), adviser_name=form.get("adviser_name", ""),
        adviser_level=form.get("adviser_level", ""), notes=form.get("notes", ""),
        repeat_weekly=form_id(form.get("repeat_weekly") or "1") or 0,
    )


@bp.route("/activities/new", methods=["GET", "POST"])
@policy.guard("activities.plan")
def new_activity():
    if request.method == "GET":
        return _new_page(MultiDict())
    actor = policy.actor()
    try:
        made = careers.plan_activity(db.session(), actor, actor.school_id, **_plan_arguments(request.form))
    except KindError as problem:
        db.session().rollback()
        return _new_page(request.form, problem.message, 400)
    db.session().commit()
    flash("The activity is planned." if len(made) == 1 else f"{len(made)} weekly dates are planned.")
    return hx.redirect_to(url_for("careers.activity", activity_id=made[0].id))


def _activity_page(activity: CareersActivity, error: str | None = None,
                   status: int = 200) -> tuple[str, int]:
    actor = policy.actor()
    return render_template(
        "careers/activity.html", activity=activity, error=error, big=_is_learner(),
        participants=careers.visible_participants(actor, activity),
        can_manage=policy.allows(actor, "activity.manage", activity),
        attendances=list(Attendance), guidance_rows=GUIDANCE_ROWS, days_words=gatsby.days_words,
        year_groups=YEAR_GROUPS, today=date.today(),
    ), status


@bp.get("/activities/<int:activity_id>")
@policy.guard("activity.view", arg="activity_id")
def activity(activity: CareersActivity):
    return _activity_page(activity)


@bp.post("/activities/<int:activity_id>/attendance")
@policy.guard("activity.manage", arg="activity_id")
def attendance(activity: CareersActivity):
    marks = {}
    for key, value in request.form.items():
        learner_id = form_id(key.removeprefix("attendance-")) if key.startswith("attendance-") else None
        if learner_id is not None:
            marks[learner_id] = value
    try:
        careers.mark_attendance(db.session(), policy.actor(), activity, marks, today=date.today())
    except KindError as problem:
        db.session().rollback()
        return _activity_page(activity, problem.message, 400)
    db.session().commit()
    flash("Who took part is saved.")
    return hx.redirect_to(url_for("careers.activity", activity_id=activity.id, _anchor="attendance"))


@bp.post("/participants/<int:participant_id>/guidance")
@policy.guard("participant.support", arg="participant_id")
def guidance(participant: ActivityParticipant):
    form = request.form
    actions = [(form.get(f"who-{n}", ""), form.get(f"what-{n}", ""), form.get(f"by-when-{n}", ""))
               for n in range(1, GUIDANCE_ROWS + 1)]
    try:
        added = careers.record_guidance(db.session(), policy.actor(), participant, form.get("discussed", ""), actions,
                                        year_group=form_id(form.get("year_group") or None))
    except KindError as problem:
        db.session().rollback()
        return _activity_page(participant.activity, problem.message, 400)
    db.session().commit()
    name = participant.learner.first_name
    flash(f"The meeting notes are saved. {len(added)} next steps were added to {name}'s transition plan."
          if added else "The meeting notes are saved.")
    return hx.redirect_to(url_for("careers.activity", activity_id=participant.activity_id,
                                  _anchor=f"guidance-{participant.id}"))


@bp.post("/activities/<int:activity_id>/cancel")
@policy.guard("activity.manage", arg="activity_id")
def cancel(activity: CareersActivity):
    try:
        cancelled = careers.cancel_activity(db.session(), policy.actor(), activity,
                                            whole_series=request.form.get("whole_series") == "yes")
    except KindError as problem:
        db.session().rollback()
        return _activity_page(activity, problem.message, 400)
    db.session().commit()
    flash("The activity is cancelled." if len(cancelled) == 1 else f"{len(cancelled)} dates are cancelled.")
    return hx.redirect_to(url_for("careers.activity", activity_id=activity.id))


@bp.get("/learners/<int:learner_id>/evidence")
@policy.guard("evidence.view", arg="learner_id")
def evidence(learner: User):
    found = gatsby.learner_evidence(db.session(), learner, date.today())
    return render_template("careers/evidence.html", learner=learner, evidence=found, audience=_audience(),
                           big=_is_learner(), year_label=school_year_label)


@bp.get("/learners/<int:learner_id>/evidence/<int:benchmark>")
@policy.guard("evidence.view", arg="learner_id")
def evidence_detail(learner: User, benchmark: int):
    if benchmark not in gatsby.TITLES:
        abort(404)
    found = gatsby.learner_evidence(db.session(), learner, date.today())
    return render_template("careers/evidence_detail.html", learner=learner, evidence=found,
                           count=found.counts[benchmark], audience=_audience(), big=_is_learner(),
                           year_label=school_year_label)
