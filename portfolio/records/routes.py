"""The learner record, leaving and destinations pages, for the staff who support the learner."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from portfolio import db
from portfolio.errors import KindError
from portfolio.models import DestinationCategory, NeedArea, User
from portfolio.records import service as records
from portfolio.web import policy

bp = Blueprint("records", __name__, url_prefix="/records")

# The symbol beside each choice; the service checks every value the form sends back.
CATEGORY_SYMBOLS = {
    DestinationCategory.EDUCATION: "provider", DestinationCategory.APPRENTICESHIP: "kind-internship",
    DestinationCategory.SUPPORTED_INTERNSHIP: "kind-internship", DestinationCategory.EMPLOYMENT: "employer",
    DestinationCategory.VOLUNTEERING: "kind-volunteering", DestinationCategory.DAY_OPPORTUNITIES: "people",
    DestinationCategory.NEET: "warning", DestinationCategory.UNKNOWN: "help",
}
HOW_FOUND_SYMBOLS = {"learner": "learner", "family": "family", "provider": "provider", "local-authority": "document",
                     "other": "help"}
NEED_SYMBOLS = {NeedArea.COMMUNICATION: "guidance", NeedArea.COGNITION: "words", NeedArea.SEMH: "smile",
                NeedArea.SENSORY_PHYSICAL: "step-free"}


def _choices() -> dict[str, Any]:
    return {
        "categories": [(c.value, c.label, CATEGORY_SYMBOLS[c]) for c in DestinationCategory],
        "levels": [(key, label, "provider") for key, label in records.EDUCATION_LEVELS.items()],
        "hours": [(key, label, "clock") for key, label in records.HOURS_BANDS.items()],
        "need_areas": [(n.value, n.label, NEED_SYMBOLS[n]) for n in NeedArea],
        "how_found": [(key, label, HOW_FOUND_SYMBOLS[key]) for key, label in records.HOW_FOUND.items()],
    }


def _destination_form(form: MultiDict[str, str], prefix: str = "") -> records.DestinationForm:
    category = form.get(prefix + "category", "")
    detail_field = {"education": "level", "employment": "hours"}.get(category, "")
    return records.DestinationForm(category=category, detail=form.get(prefix + detail_field, "") if detail_field else "",
                                   provider=form.get(prefix + "provider", ""))


@bp.route("/learners/<int:learner_id>", methods=["GET", "POST"])
@policy.guard("record.edit", arg="learner_id")
def record(learner: User):
    today = date.today()
    form = records.RecordForm.from_record(learner.record)
    if request.method == "POST":
        form = records.RecordForm(
            date_of_birth=request.form.get("date_of_birth", ""), year_override=request.form.get("year_override", ""),
            upn=request.form.get("upn", ""), ehc_plan=request.form.get("ehc_plan") == "on",
            annual_review_on=request.form.get("annual_review_on", ""), need_area=request.form.get("need_area", ""))
        try:
            records.update_record(db.session(), policy.actor(), learner, form, today)
        except KindError as problem:
            db.session().rollback()
            return _record_page(learner, form, today, problem.message, 400)
        db.session().commit()
        flash("The record is saved.")
        return redirect(url_for("records.record", learner_id=learner.id))
    return _record_page(learner, form, today)


def _record_page(learner: User, form: records.RecordForm, today: date, error: str | None = None,
                 status: int = 200) -> Any:
    return render_template("records/record.html", learner=learner, form=form, error=error,
                           year_now=records.current_year_group(learner.record, today), **_choices()), status


@bp.route("/learners/<int:learner_id>/leaving", methods=["GET", "POST"])
@policy.guard("destinations.manage", arg="learner_id")
def leaving(learner: User):
    today = date.today()
    form = records.LeavingForm(left_on=today.isoformat(), destination=records.DestinationForm())
    if request.method == "POST":
        data = request.form
        form = records.LeavingForm(
            left_on=data.get("left_on", ""), reason=data.get("reason", ""), keep_in_touch=data.get("keep_in_touch", ""),
            by=data.get("by", ""), consent_on=data.get("consent_on", ""), destination=_destination_form(data))
        try:
            records.leave(db.session(), policy.actor(), learner, form, today)
        except KindError as problem:
            db.session().rollback()
            return _leaving_page(learner, form, problem.message, 400)
        db.session().commit()
        flash("Leaving is recorded. Their account is switched off; their portfolio is kept.")
        return redirect(url_for("records.destinations", learner_id=learner.id))
    return _leaving_page(learner, form)


def _leaving_page(learner: User, form: records.LeavingForm, error: str | None = None, status: int = 200) -> Any:
    return render_template("records/leaving.html", learner=learner, form=form, error=error,
                           already_left=learner.record is not None and learner.record.left_on is not None,
                           **_choices()), status


@bp.get("/learners/<int:learner_id>/destinations")
@policy.guard("destinations.manage", arg="learner_id")
def destinations(learner: User):
    return _destinations_page(learner)


def _destinations_page(learner: User, error: str | None = None, failed: int | None = None,
                       typed: records.FollowUpForm | None = None, status: int = 200) -> Any:
    today = date.today()
    return render_template(
        "records/destinations.html", learner=learner, rows=records.destination_rows(db.session(), learner, today),
        today=today, error=error, failed=failed, typed=typed, detail_label=records.detail_label,
        no_consent=records.NO_CONSENT, keep_in_touch_by=records.KEEP_IN_TOUCH_BY, **_choices()), status


@bp.post("/learners/<int:learner_id>/destinations/<int:destination_id>")
@policy.guard("destinations.manage", arg="learner_id")
def follow_up(learner: User, destination_id: int):
    found = records.find_destination(db.session(), learner, destination_id)
    if found is None:
        abort(404)
    prefix = f"d{found.id}-"
    form = records.FollowUpForm(recorded_on=request.form.get(prefix + "recorded_on", ""),
                                how_found=request.form.get(prefix + "how_found", ""),
                                destination=_destination_form(request.form, prefix))
    try:
        records.record_follow_up(db.session(), policy.actor(), found, form, date.today())
    except KindError as problem:
        db.session().rollback()
        return _destinations_page(learner, problem.message, found.id, form, 400)
    db.session().commit()
    flash("The follow-up is saved.")
    return redirect(url_for("records.destinations", learner_id=learner.id, _anchor=f"checkpoint-{found.checkpoint}"))


@bp.get("/follow-ups")
@policy.guard("destinations.due")
def due():
    rows = records.due_follow_ups(db.session(), policy.actor(), date.today())
    return render_template("records/due.html", rows=rows)

