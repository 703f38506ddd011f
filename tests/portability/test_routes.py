"""The portable portfolio through HTTP: the download, the import form, its result and its refusals."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy import select

from portfolio import db
from portfolio.models import Group, User
from portfolio.portability import importer as portable_import
from tests.conftest import sign_in_as
from tests.factories import World
from tests.jobs.helpers import finished_page
from tests.portability.test_service import Rich, export_bytes, rewrite, rich, snapshot  # noqa: F401  (rich is a fixture)


def _as(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _hillview_group(app: Flask, world: World) -> Group:
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
        assert group is not None
        return group


def _upload(client: FlaskClient, data: bytes, group: int | str | None, **extra: str):  # type: ignore[no-untyped-def]
    form: dict = {"portfolio": (io.BytesIO(data), "portfolio-sam-patel.zip"), **extra}
    if group is not None:
        form["group_id"] = str(group)
    return client.post("/portability/import", data=form, content_type="multipart/form-data")


def _imported(app: Flask, client: FlaskClient, data: bytes, group: int | str | None, **extra: str):  # type: ignore[no-untyped-def]
    """Upload, then the import job's page once it has run."""
    return finished_page(app, client, _upload(client, data, group, **extra))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_export_downloads_a_zip_that_is_never_cached(app: Flask, no_csrf: Flask, world: World, rich: Rich) -> None:
    response = _as(app, world.ta).post(f"/portability/learners/{world.learner.id}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and re.search(r"portfolio-sam-patel-\d{4}-\d\d-\d\d\.zip", disposition)
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert {"index.html", "style.css", "portfolio.json"} <= set(archive.namelist())


def test_export_needs_the_csrf_token(app: Flask, world: World, entries: object) -> None:
    response = _as(app, world.ta).post(f"/portability/learners/{world.learner.id}/export")
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_import_page_passes_the_page_checks(app: Flask, world: World) -> None:
    response = _as(app, world.other_school_admin).get("/portability/import")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="portfolio"' in html and "Pathways" in html and "Oak" not in html  # only this school's groups


def test_import_then_import_again(app: Flask, no_csrf: Flask, world: World, rich: Rich) -> None:
    data = export_bytes(app, world.learner.id)
    client = _as(app, world.other_school_admin)
    group = _hillview_group(app, world)
    first = _imported(app, client, data, group.id)
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "Sam Patel’s portfolio is imported" in html and "3 entries and 2 passport statements" in _text(html)
    assert "needs a new login card" in html
    learner_link = re.search(r'href="(/staff/learners/\d+)"', html)
    assert learner_link and client.get(learner_link.group(1)).status_code == 200
    after_first = snapshot(app)

    again = _imported(app, client, data, group.id)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "already here" in html and learner_link.group(1) in html
    assert snapshot(app) == after_first


def test_hostile_upload_is_refused_kindly_and_leaves_nothing(app: Flask, no_csrf: Flask, world: World,
                                                             rich: Rich) -> None:
    hostile = rewrite(export_bytes(app, world.learner.id), add=[("../../evil.sh", b"x")])
    group = _hillview_group(app, world)
    before = snapshot(app)
    client = _as(app, world.other_school_admin)
    response = _imported(app, client, hostile, group.id)
    html = response.get_data(as_text=True)
    assert 'data-state="failed"' in html
    assert portable_import.UNSAFE in html and "choose it again" in html
    again = re.search(r'href="(/portability/import\?group_id=\d+)"', html)
    assert again, "the failed import offers the form again"
    assert f'value="{group.id}" checked' in client.get(again.group(1)).get_data(as_text=True)  # the group is kept
    assert snapshot(app) == before


@pytest.mark.parametrize("problem", ["no file", "no group", "other school's group", "not a number"])
def test_missing_choices_are_explained(app: Flask, no_csrf: Flask, world: World, problem: str) -> None:
    client = _as(app, world.other_school_admin)
    group_id = {"no file": _hillview_group(app, world).id, "no group": None,
                "other school's group": world.group.id, "not a number": None}[problem]
    if problem == "no file":
        response = client.post("/portability/import", data={"group_id": str(group_id)})
    elif problem == "not a number":
        response = _upload(client, b"PK", "1 OR 1=1")
    else:
        response = _upload(client, b"PK", group_id)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    expected = "Please choose the portfolio file" if problem == "no file" else "Please choose a group"
    assert expected in html


def test_a_portfolio_may_be_bigger_than_a_photo_upload(app: Flask, no_csrf: Flask, world: World) -> None:
    """The app's 25 MB limit would refuse real portfolios; this route takes more, and still checks the file."""
    big = b"not a zip" + bytes(app.config["MAX_CONTENT_LENGTH"] + 1024)
    client = _as(app, world.other_school_admin)
    response = _imported(app, client, big, _hillview_group(app, world).id)
    assert portable_import.NOT_A_ZIP in response.get_data(as_text=True)


def test_the_import_limit_is_still_a_limit(app: Flask, no_csrf: Flask, world: World) -> None:
    app.config["PORTABLE_MAX_UPLOAD_BYTES"] = 64 * 1024
    response = _upload(_as(app, world.other_school_admin), bytes(128 * 1024), _hillview_group(app, world).id)
    assert response.status_code == 413 and "too big" in response.get_data(as_text=True)


def test_import_checks_the_csrf_token(app: Flask, world: World, rich: Rich) -> None:
    client = _as(app, world.other_school_admin)
    group = _hillview_group(app, world)
    data = export_bytes(app, world.learner.id)
    before = snapshot(app)
    refused = _upload(client, data, group.id)
    assert refused.status_code == 400 and snapshot(app) == before
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/portability/import").get_data(as_text=True))
    assert token
    accepted = _imported(app, client, data, group.id, csrf_token=token.group(1))
    assert "is imported" in accepted.get_data(as_text=True)


def test_staff_see_the_export_panel_only_for_their_learners(app: Flask, world: World) -> None:
    """The panel the staff learner page includes: the button for those allowed, nothing for others."""
    with app.test_request_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        login_user(dbs.get(User, world.ta.id))
        html = render_template("portability/_export_panel.html", learner=learner)
        assert f'action="/portability/learners/{world.learner.id}/export"' in html and 'id="export-portfolio"' in html
        login_user(dbs.get(User, world.other_ta.id))
        assert render_template("portability/_export_panel.html", learner=learner).strip() == ""
