"""The school summary report for governors and Ofsted: on screen, printed, as a PDF and as CSV rows."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, Response, render_template, request

from portfolio import db
from portfolio.errors import KindError
from portfolio.reports import service as reports
from portfolio.school_years import school_year, school_year_label
from portfolio.web import policy
from portfolio.web.spreadsheets import csv_download

bp = Blueprint("reports", __name__, url_prefix="/reports")

STATIC_SYMBOLS = Path(__file__).resolve().parents[2] / "static" / "symbols"


def _year() -> int:
    return reports.choose_year(request.args.get("year"), date.today())


def _years() -> list[int]:
    current = school_year(date.today())
    return [current - n for n in range(6)]


@bp.get("/")
@policy.guard("reports.view")
def summary():
    try:
        found = reports.school_summary(db.session(), policy.actor(), _year(), date.today())
    except KindError as problem:
        return render_template("reports/summary.html", summary=None, error=problem.message, years=_years(),
                               year_label=school_year_label), 400
    return render_template("reports/summary.html", summary=found, error=None, years=_years(),
                           year_label=school_year_label)


@bp.get("/summary.pdf")
@policy.guard("reports.view")
def summary_pdf():
    try:
        year, data = reports.school_summary_pdf(db.session(), policy.actor(), _year(), date.today(), STATIC_SYMBOLS)
    except KindError as problem:
        return Response(problem.message, status=400, mimetype="text/plain")
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="careers-summary-{year}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/learners.csv")
@policy.guard("reports.view")
def learners_csv():
    try:
        found = reports.school_summary(db.session(), policy.actor(), _year(), date.today())
    except KindError as problem:
        return Response(problem.message, status=400, mimetype="text/plain")
    return csv_download(f"careers-learners-{found.year}.csv", reports.LEARNER_HEADER, reports.learner_csv_rows(found))


@bp.get("/destinations.csv")
@policy.guard("reports.view")
def destinations_csv():
    try:
        year = _year()
    except KindError as problem:
        return Response(problem.message, status=400, mimetype="text/plain")
    rows = reports.destination_csv_rows(db.session(), policy.actor(), year, date.today())
    return csv_download(f"careers-destinations-{year}.csv", reports.DESTINATION_HEADER, rows)
