"""The school summary page, its PDF and its CSV downloads, for the careers leader."""
from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from portfolio import db
from portfolio.school_years import school_year, school_year_label
from tests.cohort import known_cohort
from tests.conftest import sign_in_as
from tests.factories import World
from tests.web.page_checks import check_page, names_in_public_speech


@pytest.fixture
def known(app: Flask, world: World) -> known_cohort.KnownCohort:
    with app.app_context():
        return known_cohort.build(db.session(), world)


def _csv(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_summary_page_shows_the_figures(app: Flask, client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    response = client.get("/reports/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and check_page(html) == []
    assert names_in_public_speech(app, html, ("Sam", "Ruby", "Alex", "Riverside")) == []
    year = school_year(known.today)
    assert school_year_label(year) in html
    assert '<td id="fig-encounters">3</td>' in html and '<td id="fig-days">2.0</td>' in html
    assert '<td id="fig-employers">2</td>' in html and '<td id="fig-feedback">1</td>' in html
    assert '<td id="fig-reviews">1 of 1</td>' in html
    assert '<td data-benchmark="5">33% (1)</td>' in html and '<td data-benchmark="8">0% (0)</td>' in html
    assert "<td>2</td><td>1</td><td>1</td><td>0</td>" in html  # last summer's leavers
    assert "@media print" in client.get("/static/css/cohort.css").get_data(as_text=True)


def test_a_past_year_and_a_wrong_year(client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    year = school_year(known.today) - 1
    html = client.get(f"/reports/?year={year}").get_data(as_text=True)
    assert f'<option value="{year}" selected>' in html
    response = client.get("/reports/?year=1999")
    assert response.status_code == 400 and "Please choose a school year" in response.get_data(as_text=True)
    assert client.get("/reports/summary.pdf?year=nonsense").status_code == 400


def test_the_pdf_matches_the_page(client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    response = client.get("/reports/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    for expected in ("Careers summary: Riverside", "Employer encounters: 3", "Employers worked with: 2",
                     "Reviews held on time: 1 of 1", "B6: 1 of 3 (33%)"):
        assert expected in text


def test_the_csv_rows_behind_the_report(client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    learners = {row["Learner"]: row for row in _csv(client, "/reports/learners.csv")}
    assert set(learners) == {"Sam Patel", "Ruby Green", "Alex Moore"}
    assert learners["Sam Patel"]["Employer encounters this year"] == "3"
    assert learners["Sam Patel"]["School year"] == school_year_label(school_year(known.today))
    grid = {row["Learner"]: row for row in _csv(client, "/cohort/grid.csv")}
    for name, row in grid.items():
        assert {k: v for k, v in learners[name].items() if k != "School year"} == row
    destinations = _csv(client, "/reports/destinations.csv")
    assert [(d["Learner"], d["Sustained"]) for d in destinations] == [
        ("Kim Shaw", "no"), ("Lee Banks", "yes"), ("Mo Ali", "no")]
