"""The employers and providers directory, kept by staff and the careers leader for their own school.

Every page here is behind ``employers.manage`` or ``employer.manage``: an employer from another
school answers 404. There is no delete: duplicates are merged and old ones switched off, so the
activities and evidence that point at an employer never lose it.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user

from portfolio import db
from portfolio.employers import service as employers
from portfolio.employers.service import EmployerDetails, RiskDetails
from portfolio.errors import KindError
from portfolio.media import serving as media
from portfolio.media.storage import media_store
from portfolio.models import Employer, ProviderKind
from portfolio.web import hx, policy
from portfolio.web.forms import form_id
from portfolio.web.list_pages import list_refused

bp = Blueprint("employers", __name__, url_prefix="/employers")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"kind_symbol": employers.kind_symbol, "sector_label": employers.sector_label,
            "day_text": employers.day_text, "risk_words": employers.risk_words}


def _form_context() -> dict[str, Any]:
    return {
        "kinds": [(kind.value, kind.label, employers.KIND_SYMBOLS[kind]) for kind in ProviderKind],
        "sectors": employers.sector_options(),
    }


def _employer_page(employer: Employer, *, details: EmployerDetails | None = None, risk: RiskDetails | None = None,
                   error: str | None = None, risk_error: str | None = None, merge_error: str | None = None,
                   status: int = 200) -> tuple[str, int]:
    """The employer page, showing what was typed (and what went wrong) when a form is sent back."""
    today = date.today()
    page = employers.employer_page(db.session(), employer, today)
    html = render_template(
        "employers/employer.html", employer=employer, page=page, today=today,
        details=details or EmployerDetails.of(employer), risk=risk or RiskDetails.of(employer),
        error=error, risk_error=risk_error, merge_error=merge_error, **_form_context(),
    )
    return html, status


@bp.get("/")
@policy.guard("employers.manage")
def directory():
    try:
        found = employers.directory(db.session(), current_user.school_id, request.args.get("q", ""),
                                    request.args.get("after"), request.args.get("off_after"))
    except KindError as problem:
        return list_refused(problem)
    if hx.wants_fragment("employers-off"):
        return hx.render("employers/directory.html", "employers/_off_page.html", "employers-off",
                         directory=found, today=date.today())
    return hx.render("employers/directory.html", "employers/_in_use_page.html", "employers-in-use",
                     directory=found, today=date.today())


@bp.route("/new", methods=["GET", "POST"])
@policy.guard("employers.manage")
def new():
    if request.method == "GET":
        return render_template("employers/new.html", details=EmployerDetails(), error=None, **_form_context())
    dbs = db.session()
    details = EmployerDetails.from_form(request.form)
    try:
        employer = employers.create(dbs, current_user.school_id, details)
    except KindError as problem:
        dbs.rollback()
        return render_template("employers/new.html", details=details, error=problem.message,
                               **_form_context()), 400
    dbs.commit()
    flash(f"{employer.name} is added to the directory.")
    return hx.redirect_to(url_for("employers.employer", employer_id=employer.id))


@bp.route("/<int:employer_id>", methods=["GET", "POST"])
@policy.guard("employer.manage", arg="employer_id")
def employer(employer: Employer):
    if request.method == "GET":
        return _employer_page(employer)
    dbs = db.session()
    details = EmployerDetails.from_form(request.form)
    try:
        employers.update_details(dbs, employer, details)
    except KindError as problem:
        dbs.rollback()
        return _employer_page(employer, details=details, error=problem.message, status=400)
    dbs.commit()
    flash(f"{employer.name} is saved.")
    return hx.redirect_to(url_for("employers.employer", employer_id=employer.id))


@bp.post("/<int:employer_id>/risk")
@policy.guard("employer.manage", arg="employer_id")
def risk(employer: Employer):
    dbs = db.session()
    store = media_store()
    upload = request.files.get("risk_pdf")
    pdf = upload.read() if upload is not None and upload.filename else None
    details = RiskDetails.from_form(request.form)
    try:
        change = employers.record_risk(dbs, store, employer, details, pdf, date.today())
    except KindError as problem:
        dbs.rollback()
        return _employer_page(employer, risk=details, risk_error=problem.message, status=400)
    media.commit(dbs, change)
    flash("The risk assessment is saved." + (" The PDF is kept with it." if pdf is not None else ""))
    return hx.redirect_to(url_for("employers.employer", employer_id=employer.id) + "#risk")


@bp.get("/<int:employer_id>/risk.pdf")
@policy.guard("employer.manage", arg="employer_id")
def risk_pdf(employer: Employer):
    return media.send_media(employer.risk_pdf)


@bp.post("/<int:employer_id>/merge")
@policy.guard("employer.manage", arg="employer_id")
def merge(employer: Employer):
    dbs = db.session()
    try:
        kept = employers.merge(dbs, employer, form_id(request.form.get("into")))
    except KindError as problem:
        dbs.rollback()
        return _employer_page(employer, merge_error=problem.message, status=400)
    dbs.commit()
    flash(f"{employer.name} is merged into {kept.name}. Its activities now point here.")
    return hx.redirect_to(url_for("employers.employer", employer_id=kept.id))


@bp.post("/<int:employer_id>/switch-off")
@policy.guard("employer.manage", arg="employer_id")
def switch_off(employer: Employer):
    employers.switch_off(db.session(), employer)
    db.session().commit()
    flash(f"{employer.name} is switched off. It is no longer offered for new activities.")
    return hx.redirect_to(url_for("employers.employer", employer_id=employer.id))


@bp.post("/<int:employer_id>/switch-on")
@policy.guard("employer.manage", arg="employer_id")
def switch_on(employer: Employer):
    dbs = db.session()
    try:
        employers.switch_on(dbs, employer)
    except KindError as problem:
        dbs.rollback()
        return _employer_page(employer, error=problem.message, status=400)
    dbs.commit()
    flash(f"{employer.name} is switched on again.")
    return hx.redirect_to(url_for("employers.employer", employer_id=employer.id))
