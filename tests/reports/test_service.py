"""The school summary: every figure for a known school, and the same figures in the PDF and the grid."""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.cohort import service as cohort
from portfolio.errors import KindError
from portfolio.models import User
from portfolio.reports import service as reports
from portfolio.reports.routes import STATIC_SYMBOLS
from portfolio.school_years import school_year
from tests.cohort import known_cohort
from tests.factories import World


@pytest.fixture
def dbs(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


@pytest.fixture
def known(dbs: Session, world: World) -> known_cohort.KnownCohort:
    return known_cohort.build(dbs, world)


@pytest.fixture
def summary(dbs: Session, world: World, known) -> reports.SchoolSummary:
    admin = dbs.get(User, world.admin.id)
    return reports.school_summary(dbs, admin, school_year(known.today), known.today)


def test_coverage_by_year_group(summary: reports.SchoolSummary) -> None:
    by_label = {g.label: g for g in summary.coverage}
    assert list(by_label) == ["Year 8", "Year 10", "Year 12"]
    assert (by_label["Year 8"].learners, by_label["Year 8"].covered) == (1, {5: 0, 6: 0, 7: 1, 8: 0})
    assert by_label["Year 10"].covered == {5: 1, 6: 1, 7: 0, 8: 0} and by_label["Year 10"].with_none == 0
    assert by_label["Year 12"].covered == {5: 0, 6: 0, 7: 0, 8: 0} and by_label["Year 12"].with_none == 1
    total = summary.total
    assert (total.learners, total.covered, total.with_none) == (3, {5: 1, 6: 1, 7: 1, 8: 0}, 1)
    assert [total.percent(b) for b in (5, 6, 7, 8)] == [33, 33, 33, 0]


def test_the_programme_figures(summary: reports.SchoolSummary) -> None:
    assert (summary.encounters, summary.encounters_per_learner) == (3, 1.0)
    assert (summary.workplace_days, summary.days_per_learner) == (2.0, 0.7)
    assert summary.employers == 2  # Green Fingers (talk and placement) and City College, not the planned visit
    assert summary.feedback == 1
    assert (summary.reviews_held, summary.reviews_on_time) == (1, 1)


def test_destinations_of_the_last_three_leaving_years(summary: reports.SchoolSummary, known) -> None:
    year = school_year(known.today)
    found = [(c.year, c.leavers, c.sustained, c.neet, c.unknown) for c in summary.destinations]
    assert found == [(year - 1, 2, 1, 1, 0), (year - 2, 1, 0, 0, 1), (year - 3, 0, 0, 0, 0)]


def test_the_report_and_the_grid_agree(dbs: Session, world: World, summary: reports.SchoolSummary, known) -> None:
    admin = dbs.get(User, world.admin.id)
    grid = cohort.cohort_grid(dbs, admin, known.today, cohort.GridFilters())
    assert sum(r.count(5, True) for r in grid.rows) == summary.encounters
    assert sum(r.evidence.days_this_year for r in grid.rows) == summary.workplace_days
    for b in (5, 6, 7, 8):
        assert sum(1 for r in grid.rows if r.count(b, True)) == summary.total.covered[b]
    assert reports.learner_csv_rows(summary) == [[summary.label, *row] for row in cohort.grid_csv_rows(summary.rows)]


def test_the_pdf_says_every_figure(summary: reports.SchoolSummary, known) -> None:
    data = reports.summary_pdf(summary, "Riverside", STATIC_SYMBOLS)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    year = school_year(known.today)
    for expected in ("Careers summary: Riverside", summary.label, "3 learners on roll",
                     "Year 8: 1 learner", "Year 10: 1 learner", "Year 12: 1 learner", "All learners: 3 learners",
                     "B5: 1 of 3 (33%)", "B7: 1 of 3 (33%)", "B8: 0 of 3 (0%)", "With none of these: 1",
                     "Employer encounters: 3", "1.0 per learner", "Days at work: 2", "0.7 per learner",
                     "Employers worked with: 2", "Employer feedback received: 1", "Reviews held on time: 1 of 1",
                     f"Left September {year - 1} to August {year}: 2 leavers", "Sustained: 1", "NEET: 1",
                     f"Left September {year - 2} to August {year - 1}: 1 leaver", "Not known: 1"):
        assert expected in text, expected


def test_a_past_year_is_counted_to_its_end(dbs: Session, world: World, known) -> None:
    admin = dbs.get(User, world.admin.id)
    year = school_year(known.today) - 1
    past = reports.school_summary(dbs, admin, year, known.today)
    assert past.as_of == date(year + 1, 8, 31)
    rows = {r.name: r for r in past.rows}
    # Sam's provider encounter and guidance meeting last year count in that year; the leavers were on roll then.
    assert rows["Sam Patel"].count(7, True) == 1 and rows["Sam Patel"].count(8, True) == 1
    assert rows["Sam Patel"].year_group == 9
    assert {"Lee Banks", "Mo Ali"} <= set(rows) and "Kim Shaw" not in rows  # left during that year, or before
    assert [c.year for c in past.destinations] == [year, year - 1, year - 2]


def test_choosing_a_year(known) -> None:
    today = known.today
    assert reports.choose_year(None, today) == school_year(today)
    assert reports.choose_year("2024", today) == 2024
    for bad in ("1999", str(school_year(today) + 1), "twenty", "\x00"):
        with pytest.raises(KindError):
            reports.choose_year(bad, today)


def test_destination_rows(dbs: Session, world: World, known) -> None:
    admin = dbs.get(User, world.admin.id)
    rows = reports.destination_csv_rows(dbs, admin, school_year(known.today), known.today)
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("Kim Shaw", "Not known", False),
        ("Lee Banks", "Education", True),
        ("Mo Ali", "Not in education, employment or training (NEET)", False),
    ]
