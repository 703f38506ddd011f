"""The learner import and the group's login cards through HTTP: preview, confirm, cancel, refusals."""
from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.imports import service as imports
from portfolio.media.storage import media_store
from portfolio.models import LearnerRecord, LoginCard, User
from tests.conftest import sign_in_as
from tests.factories import World
from tests.imports.test_service import ALEX, BEA, csv_file
from tests.media_fixtures import fixture_bytes, stored_keys
from tests.web.page_checks import check_page

BAD = "Z100000000004,Dee,Khan,2010-13-01,Oak,,,,,,,,"


def _as(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _upload(client: FlaskClient, data: bytes, name: str = "learners.csv"):  # type: ignore[no-untyped-def]
    return client.post("/imports/learners", data={"learners": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _records(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(LearnerRecord.learner_id))) or 0


def _waiting(app: Flask) -> list[str]:
    with app.app_context():
        return stored_keys(media_store(), "imports")


def test_preview_saves_nothing_then_confirm_imports_the_good_rows(app: Flask, world: World, no_csrf: Flask) -> None:
    admin = _as(app, world.admin)
    page = admin.get("/imports/learners")
    assert page.status_code == 200 and check_page(page.get_data(as_text=True)) == []
    preview = _upload(admin, csv_file(ALEX, BAD, BEA))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and check_page(html) == []
    assert "The date of birth \u201c2010-13-01\u201d is not a date" in html
    assert "Confirm and import 2 rows" in html and html.count("<strong>Add</strong>") == 2
    assert _records(app) == 0 and len(_waiting(app)) == 1
    done = admin.post("/imports/learners/confirm")
    assert done.status_code == 200 and "Added 2, updated 0, no change 0, left out 1." in done.get_data(as_text=True)
    assert _records(app) == 2 and _waiting(app) == []
    people = admin.get("/admin/people").get_data(as_text=True)
    assert "Alex Morgan" in people and "Bea Khan" in people and "Dee Khan" not in people


def test_a_second_confirm_imports_nothing_twice(app: Flask, world: World, no_csrf: Flask) -> None:
    admin = _as(app, world.admin)
    _upload(admin, csv_file(ALEX))
    assert admin.post("/imports/learners/confirm").status_code == 200
    again = admin.post("/imports/learners/confirm")
    assert again.status_code == 400 and "There is no file waiting" in again.get_data(as_text=True)
    assert _records(app) == 1
    # The same file once more: every row says no change, and there is still one Alex.
    preview = _upload(admin, csv_file(ALEX)).get_data(as_text=True)
    assert "No change" in preview and "<strong>Add</strong>" not in preview
    admin.post("/imports/learners/confirm")
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id)).where(User.display_name == "Alex Morgan")) == 1


def test_cancel_throws_the_file_away(app: Flask, world: World, no_csrf: Flask) -> None:
    admin = _as(app, world.admin)
    _upload(admin, csv_file(ALEX))
    _upload(admin, csv_file(ALEX, BEA))
    assert len(_waiting(app)) == 1  # a new upload replaces the one before
    cancelled = admin.post("/imports/learners/cancel")
    assert cancelled.status_code == 302 and _waiting(app) == []
    assert "Nothing was saved" in admin.get(cancelled.headers["Location"]).get_data(as_text=True)
    assert admin.post("/imports/learners/confirm").status_code == 400
    assert _records(app) == 0


def test_hostile_files_get_a_kind_message_and_nothing_is_kept(app: Flask, world: World, no_csrf: Flask) -> None:
    admin = _as(app, world.admin)
    for data, message in ((fixture_bytes("photo_small.png"), "This file is not a CSV file"),
                          (b"", "The file is empty"),
                          (b"upn,first_name,last_name,date_of_birth,group\n", "only the column names"),
                          (b"upn,name\nZ1,A\n", "no column called")):
        answer = _upload(admin, data)
        assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    no_file = admin.post("/imports/learners", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 400 and "Choose the CSV file" in no_file.get_data(as_text=True)
    assert _waiting(app) == [] and _records(app) == 0


def test_names_are_shown_escaped(app: Flask, world: World, no_csrf: Flask) -> None:
    admin = _as(app, world.admin)
    row = 'Z100000000006,<script>alert(1)</script>,"=HYPERLINK(""http://x.example"")",2010-01-01,Oak,,,,,,,,'
    html = _upload(admin, csv_file(row)).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&#34;http://x.example&#34;)" in html


def test_only_the_careers_leader_may_import(app: Flask, world: World, no_csrf: Flask) -> None:
    ta = _as(app, world.ta)
    assert ta.get("/imports/learners").status_code == 403
    assert _upload(ta, csv_file(ALEX)).status_code == 403
    assert ta.post("/imports/learners/confirm").status_code == 403
    assert _waiting(app) == [] and _records(app) == 0


def test_confirm_needs_the_form_token(app: Flask, world: World) -> None:
    admin = _as(app, world.admin)
    assert admin.post("/imports/learners/confirm").status_code == 400
    assert _records(app) == 0


def test_the_template_downloads_and_imports_cleanly(app: Flask, world: World) -> None:
    admin = _as(app, world.admin)
    answer = admin.get("/imports/learners/template.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = imports.read_rows(answer.data)
    assert [r.upn for r in rows] == ["A123456789012", "B123456789012"] and all(not r.problems for r in rows)


def test_staff_print_cards_for_their_whole_group(app: Flask, world: World, no_csrf: Flask) -> None:
    ta = _as(app, world.ta)
    home = ta.get("/staff/").get_data(as_text=True)
    assert f"/imports/groups/{world.group.id}/cards" in home
    page = ta.get(f"/imports/groups/{world.group.id}/cards").get_data(as_text=True)
    assert "Sam Patel" in page and "Make and print 1 card" in page
    sheet = ta.post(f"/imports/groups/{world.group.id}/cards")
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and check_page(html) == []
    assert html.count('class="login-card"') == 1 and 'src="data:image/png;base64,' in html
    code = re.search(r'id="card-code-1">([A-Z0-9]{3}-[A-Z0-9]{3})<', html)
    assert code is not None
    with app.app_context():
        live = db.session().scalars(select(LoginCard).where(LoginCard.learner_id == world.learner.id,
                                                            LoginCard.revoked_at.is_(None))).all()
        assert len(live) == 1  # the card from before has stopped working
    assert _as(app, world.other_ta).post(f"/imports/groups/{world.group.id}/cards").status_code == 403


def test_a_group_with_no_learners_gets_a_kind_message(app: Flask, world: World, no_csrf: Flask) -> None:
    with app.app_context():
        db.session().get(User, world.other_learner.id).active = False
        db.session().commit()
    answer = _as(app, world.admin).post(f"/imports/groups/{world.other_group.id}/cards")
    assert answer.status_code == 400 and "no learners in this group" in answer.get_data(as_text=True)
