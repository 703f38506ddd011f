"""The cohort grid and reviews coming up, as pages and as a CSV download."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.models import ReviewPack, User
from tests.cohort import known_cohort
from tests.conftest import sign_in_as
from tests.factories import World
from tests.web.page_checks import check_page, names_in_public_speech

NAMES = ("Sam", "Patel", "Ruby", "Green", "Alex", "Moore", "Oak", "Willow")


@pytest.fixture
def known(app: Flask, world: World) -> known_cohort.KnownCohort:
    with app.app_context():
        return known_cohort.build(db.session(), world)


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _names_in_rows(html: str) -> list[str]:
    return re.findall(r'<tr id="learner-\d+">\s*<th scope="row"><a [^>]*>([^<]+)</a>', html)


def test_the_admin_sees_the_whole_grid(app: Flask, client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    html = _page(client, "/cohort/")
    assert check_page(html) == []
    assert names_in_public_speech(app, html, NAMES) == []
    assert _names_in_rows(html) == ["Alex Moore", "Ruby Green", "Sam Patel"]
    assert "Review in 3 weeks and no pack" in html and "Pack overdue" in html
    assert "No guidance meeting since Year 9" in html
    # Every count opens its evidence.
    sam = world.learner.id
    assert f'id="cell-{sam}-b5" href="/careers/learners/{sam}/evidence/5"' in html
    assert f'id="cell-{sam}-b8_all" href="/careers/learners/{sam}/evidence/8"' in html
    # A gap is marked in words, not only by colour.
    ruby_row = html.split(f'id="learner-{world.other_learner.id}"')[1].split("</tr>")[0]
    assert 'class="count gap"' in ruby_row and "Gap</span>" in ruby_row


def test_staff_see_only_their_groups(client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.ta)
    html = _page(client, "/cohort/")
    assert _names_in_rows(html) == ["Alex Moore", "Sam Patel"]
    assert "Ruby Green" not in html
    assert "School summary report" not in html  # the report is for the careers leader
    csv_text = client.get("/cohort/grid.csv").get_data(as_text=True)
    assert "Ruby" not in csv_text and "Sam Patel" in csv_text


def test_filters_work_without_javascript(client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    html = _page(client, f"/cohort/?group={world.group.id}")
    assert _names_in_rows(html) == ["Alex Moore", "Sam Patel"]
    assert f'<option value="{world.group.id}" selected>' in html
    assert _names_in_rows(_page(client, "/cohort/?ehc=yes")) == ["Sam Patel"]
    assert _names_in_rows(_page(client, "/cohort/?year=12")) == ["Ruby Green"]
    assert _names_in_rows(_page(client, "/cohort/?need=semh")) == ["Ruby Green"]
    assert _names_in_rows(_page(client, "/cohort/?ehc=no&need=cognition-learning")) == []


def test_sorting_by_links(client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    html = _page(client, "/cohort/?sort=year&dir=desc")
    assert _names_in_rows(html) == ["Ruby Green", "Sam Patel", "Alex Moore"]
    assert 'aria-sort="descending"' in html
    # The active column's link turns the order round; other filters are kept.
    assert 'href="/cohort/?sort=year&amp;dir=asc"' in html
    html = _page(client, f"/cohort/?group={world.group.id}&sort=b5&dir=asc")
    assert _names_in_rows(html) == ["Alex Moore", "Sam Patel"]
    assert f'group={world.group.id}' in html.split('id="sort-name"')[1].split(">")[0]
    # Unknown sorts fall back to names.
    assert _names_in_rows(_page(client, "/cohort/?sort=drop&dir=sideways")) == ["Alex Moore", "Ruby Green", "Sam Patel"]


def test_the_grid_downloads_as_safe_csv(app: Flask, client: FlaskClient, world: World, known) -> None:
    with app.app_context():
        sam = db.session().get(User, world.learner.id)
        sam.display_name = "=HYPERLINK(\"http://x\")"
        db.session().commit()
    sign_in_as(client, world.admin)
    response = client.get("/cohort/grid.csv?sort=name")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Learner" and "Gaps" in header
    by_name = {row[0]: dict(zip(header, row)) for row in body}
    assert set(by_name) == {"Alex Moore", "Ruby Green", "'=HYPERLINK(\"http://x\")"}
    sam = by_name["'=HYPERLINK(\"http://x\")"]
    assert (sam["Employer encounters this year"], sam["Workplace days this year"], sam["EHC plan"]) == ("3", "2.0", "yes")
    assert sam["My views pack"] == "No pack"
    assert "Pack overdue" in by_name["Ruby Green"]["Gaps"]
    filtered = client.get("/cohort/grid.csv?ehc=yes").get_data(as_text=True)
    assert "Ruby" not in filtered


def test_reviews_coming_up_start_a_pack(app: Flask, client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.admin)
    html = _page(client, "/cohort/reviews")
    assert check_page(html) == []
    assert names_in_public_speech(app, html, NAMES) == []
    assert html.index("Ruby Green") < html.index("Sam Patel") and "Alex Moore" not in html
    assert "Pack overdue" in html
    assert f'action="/learners/{world.learner.id}/reviews"' in html
    date_from = re.search(r'name="date_from" value="([\d-]+)"', html).group(1)
    date_to = re.search(r'name="date_to" value="([\d-]+)"', html).group(1)
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(f"/learners/{world.learner.id}/reviews", data={"date_from": date_from, "date_to": date_to})
    assert response.status_code == 302
    with app.app_context():
        made = db.session().scalar(select(func.count(ReviewPack.id)).where(ReviewPack.learner_id == world.learner.id))
    assert made == 1
    html = _page(client, "/cohort/reviews")
    assert f'id="open-pack-{world.learner.id}"' in html


def test_a_day_past_the_due_date_says_overdue_in_words(app: Flask, client: FlaskClient, world: World, known) -> None:
    sign_in_as(client, world.ta)
    html = _page(client, "/cohort/reviews")
    assert "Ruby" not in html and "Sam Patel" in html
    due = (known.today + timedelta(days=6)).strftime("%-d %B %Y")
    assert due in html
