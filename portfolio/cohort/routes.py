"""The careers leader's desk: the cohort grid (with its CSV) and the annual reviews coming up."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from portfolio import db
from portfolio.cohort import service as cohort
from portfolio.web import policy
from portfolio.web.spreadsheets import csv_download

bp = Blueprint("cohort", __name__, url_prefix="/cohort")


def _grid() -> cohort.Grid:
    return cohort.cohort_grid(db.session(), policy.actor(), date.today(), cohort.read_filters(request.args),
                              request.args.get("sort", "name"), request.args.get("dir", "asc"))


@bp.get("/")
@policy.guard("cohort.view")
def grid():
    return render_template("cohort/grid.html", grid=_grid(), columns=COLUMNS, needs=cohort.NeedArea)


@bp.get("/grid.csv")
@policy.guard("cohort.view")
def grid_csv():
    found = _grid()
    return csv_download(f"cohort-{found.today.isoformat()}.csv", cohort.GRID_HEADER, cohort.grid_csv_rows(found.rows))


@bp.get("/reviews")
@policy.guard("cohort.view")
def reviews():
    coming = cohort.reviews_coming_up(db.session(), policy.actor(), date.today())
    return render_template("cohort/reviews.html", coming=coming, today=date.today())


# The grid's columns: sort key, heading, and the benchmark its cells open (None: not a count).
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("name", "Learner", None), ("group", "Group", None), ("year", "Year", None), ("ehc", "EHC plan", None),
    ("need", "Need area", None),
    ("b5", "B5 employers this year", 5), ("b5_all", "B5 in all", 5),
    ("b6", "B6 workplaces this year", 6), ("b6_all", "B6 in all", 6),
    ("days", "Days at work this year", 6), ("days_all", "Days at work in all", 6),
    ("b7", "B7 providers this year", 7), ("b7_all", "B7 in all", 7), ("pal", "Provider Access (of 6)", 7),
    ("b8", "B8 guidance this year", 8), ("b8_all", "B8 in all", 8),
    ("last_entry", "Last entry", None), ("review", "Annual review", None), ("pack", "My views pack", None),
    ("gaps", "Gaps", None),
)
